package io.statebus.aeron;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A mirror's {@code configure}, tried when the mirror is registered: applied to a builder that is then dropped, so a
 * setting the builder refuses (a capacity not a power of two, a {@code maxKeys} of 0) or a null result is refused by
 * the registration, not by the receiver's duty cycle when the source's first message builds the local bus (which
 * would fail the receiver and every mirror on it).
 */
final class ConfigureCheck
{
    private ConfigureCheck()
    {
    }

    /** @return {@code configure}, once it took {@code builder} and returned a builder. */
    static <B> UnaryOperator<B> tried(final UnaryOperator<B> configure, final B builder)
    {
        Objects.requireNonNull(configure, "configure must not be null");
        Objects.requireNonNull(configure.apply(builder), "configure must return a builder");
        return configure;
    }
}
