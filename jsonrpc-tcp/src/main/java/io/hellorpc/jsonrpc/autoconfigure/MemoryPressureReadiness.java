package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.server.RpcServerMemoryPressureEvent;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Turns the server's memory pressure into readiness: REFUSING_TRAFFIC while under it,
 * ACCEPTING_TRAFFIC again after, unless the context is closing by then (Boot's own refusal stands).
 */
class MemoryPressureReadiness implements ApplicationListener<ApplicationEvent> {

	private final ApplicationEventPublisher events;

	private volatile boolean closing;

	MemoryPressureReadiness(ApplicationEventPublisher events) {
		this.events = events;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ContextClosedEvent) {
			this.closing = true;
		}
		else if (event instanceof RpcServerMemoryPressureEvent pressure && !this.closing) {
			AvailabilityChangeEvent.publish(this.events, pressure.getSource(),
					pressure.isUnderPressure() ? ReadinessState.REFUSING_TRAFFIC : ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

}
