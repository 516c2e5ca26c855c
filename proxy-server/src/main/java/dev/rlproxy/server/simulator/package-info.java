/**
 * An in-process upstream API that <em>enforces</em> rate limits the way real APIs do, used as the
 * independent oracle by the proxy's integration tests, the demo and the load benchmarks.
 *
 * <p>Start one with {@link dev.rlproxy.server.simulator.UpstreamSimulator#start(SimulatorSpec)}.
 * It answers every path with a JSON echo, speaks one {@link dev.rlproxy.server.simulator.SimulatedDialect}
 * of rate-limit headers, and counts every refusal caused by an exceeded limit as a <em>violation</em>.
 * It deliberately shares no limiter code with the proxy: only {@link dev.rlproxy.core.time.Clock}.
 */
package dev.rlproxy.server.simulator;
