/**
 * StateBus: every change of a component's state, to every consumer, through one preallocated LMAX Disruptor ring.
 * Exports the public face ({@code io.statebus}), the Agrona agent adapter ({@code io.statebus.agent}) and the
 * {@code Flow.Publisher} adapter ({@code io.statebus.flow}); the engine's packages ({@code ring}, {@code publish},
 * {@code read}, {@code consume}) stay inside the module.
 */
module io.statebus
{
    requires transitive com.lmax.disruptor;
    requires transitive org.agrona;

    exports io.statebus;
    exports io.statebus.agent;
    exports io.statebus.flow;
}
