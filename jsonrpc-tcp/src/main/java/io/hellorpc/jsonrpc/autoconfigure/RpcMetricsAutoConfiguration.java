package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Histogram buckets for the RPC call timers, so that percentiles can be computed across instances
 * (Prometheus' {@code histogram_quantile}). {@code management.metrics.distribution.*} still applies.
 */
@AutoConfiguration
@ConditionalOnClass(MeterRegistry.class)
public class RpcMetricsAutoConfiguration {

	@Bean
	MeterFilter rpcRequestsHistogramMeterFilter() {
		return new MeterFilter() {
			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				boolean rpcTimer = id.getName().equals(RpcObservationConvention.SERVER.getName())
						|| id.getName().equals(RpcObservationConvention.CLIENT.getName());
				// Only where nothing else decided: an explicit setting in properties wins.
				if (!rpcTimer || config.isPercentileHistogram() != null) {
					return config;
				}
				return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
			}
		};
	}

}
