package io.statebus;

/**
 * A reference value derivable from its sequence: a single-producer test publishes {@code new Tick(s)} as the
 * transition at {@code s}, so a transition's {@code from} and {@code to} name the sequences they belong to, and
 * references of another publication cannot pass for the right ones. Equal by number, so a fresh copy is an
 * unchanged value.
 */
final class Tick
{
    final long n;

    Tick(final long n)
    {
        this.n = n;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Tick && ((Tick)o).n == n;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(n);
    }

    @Override
    public String toString()
    {
        return "tick" + n;
    }
}
