package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import tools.jackson.databind.JavaType;

import org.springframework.core.ParameterizedTypeReference;

/** A batch of one {@link RpcTemplate}: gathered here, sent through the template as one message. */
final class TemplateBatch implements RpcBatch {

	private final RpcTemplate template;

	private final List<String> methods = new ArrayList<>();

	private final List<Object> params = new ArrayList<>();

	/** Each entry's reply, {@code null} for a notification. */
	private final List<CompletableFuture<RpcResponse>> replies = new ArrayList<>();

	private boolean sent;

	TemplateBatch(RpcTemplate template) {
		this.template = template;
	}

	@Override
	public <T> CompletableFuture<T> call(String method, Object params, Class<T> resultType) {
		return add(method, params, this.template.codec().type(resultType));
	}

	@Override
	public <T> CompletableFuture<T> call(String method, Object params, ParameterizedTypeReference<T> resultType) {
		return add(method, params, this.template.codec().type(resultType.getType()));
	}

	@Override
	public void notification(String method, Object params) {
		this.methods.add(method);
		this.params.add(params);
		this.replies.add(null);
	}

	@Override
	public void send() {
		send(this.template.timeout());
	}

	@Override
	public void send(Duration timeout) {
		if (this.sent || this.methods.isEmpty()) {
			throw new IllegalStateException(this.sent ? "this batch was sent already" : "an empty batch cannot be sent");
		}
		this.sent = true;
		long deadline = RpcTemplate.deadline(timeout);
		List<RpcId> ids = new ArrayList<>();
		List<PendingCall> carried = new ArrayList<>();
		for (int i = 0; i < this.methods.size(); i++) {
			long id = this.template.nextId();
			CompletableFuture<RpcResponse> reply = this.replies.get(i);
			ids.add((reply != null) ? RpcId.of(id) : null);
			carried.add(PendingCall.async(id, this.methods.get(i), new byte[0], reply == null, false, deadline, timeout.toMillis(),
					this.template.address(), this.template.executor(), (reply != null) ? reply : new CompletableFuture<>()));
		}
		try {
			byte[] message = this.template.requests().batch(ids, this.methods, this.params);
			this.template.dispatch(new BatchOutgoing(message, carried), carried);
		}
		catch (RpcException ex) {
			// Not sent (unwritable params, the limit, or the template is closed): every call of it fails so.
			this.replies.stream().filter(Objects::nonNull).forEach((reply) -> reply.completeExceptionally(ex));
			throw ex;
		}
	}

	private <T> CompletableFuture<T> add(String method, Object params, JavaType resultType) {
		CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
		this.methods.add(method);
		this.params.add(params);
		this.replies.add(reply);
		return CallObservations.stopWhenDone(this.template.observations().start(method),
				reply.thenApply((response) -> this.template.replies().<T>result(method, response, resultType)));
	}

}
