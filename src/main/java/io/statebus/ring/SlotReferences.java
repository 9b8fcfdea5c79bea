package io.statebus.ring;

/**
 * The layout of a reference value bus's slots: two references per slot beside the slot's word, written after it,
 * exactly as {@link SlotValues} lays out longs.
 *
 * <pre>
 *  references:  [ from#0 | to#0 | from#1 | to#1 | ... ]   slot i's pair at 2i, 2i + 1
 *
 *  producer:  word = tag(s)  (release)  |  store-store fence  |  from, to  |  cursor = s (release)
 *  reader:    w = word  |  from, to  |  load-load fence  |  word == w ?  whole : lapped, drop the copy
 * </pre>
 *
 * <p>Plain loads and stores suffice: a reference is never torn (JLS 17.7), and every later lap's stores follow
 * that lap's word, so the re-read rejects a copy holding any reference of a later publication. A slot keeps its
 * two references reachable until a later lap overwrites them: at most {@code 2 * capacity} values outlive their
 * transitions.
 */
final class SlotReferences
{
    /** References per slot. */
    static final int WIDTH = 2;

    private SlotReferences()
    {
    }

    static void write(final Object[] references, final int index, final Object from, final Object to)
    {
        references[WIDTH * index] = from;
        references[WIDTH * index + 1] = to;
    }

    static Object from(final Object[] references, final int index)
    {
        return references[WIDTH * index];
    }

    static Object to(final Object[] references, final int index)
    {
        return references[WIDTH * index + 1];
    }
}
