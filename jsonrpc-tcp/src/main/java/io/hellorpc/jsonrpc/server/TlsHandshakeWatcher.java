package io.hellorpc.jsonrpc.server;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Sits behind the {@code SslHandler}: counts each handshake by outcome, and turns a TLS failure
 * (a plaintext peer, an untrusted or expired certificate, a missing client certificate, a broken
 * record) into a closed connection with one debug line, never a server error.
 */
final class TlsHandshakeWatcher extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(TlsHandshakeWatcher.class);

	private final RpcServerActivity activity;

	TlsHandshakeWatcher(RpcServerActivity activity) {
		this.activity = activity;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (event instanceof SslHandshakeCompletionEvent handshake) {
			RpcServerActivity.TlsOutcome outcome = outcomeOf(handshake.cause());
			this.activity.tlsHandshake(outcome);
			if (outcome != RpcServerActivity.TlsOutcome.SUCCESS) {
				logger.debug("TLS handshake with " + ctx.channel().remoteAddress() + " failed ("
						+ outcome.tagValue() + "): " + handshake.cause());
				ctx.close();
			}
		}
		super.userEventTriggered(ctx, event);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (isTls(cause)) {
			logger.debug("TLS failure on connection from " + ctx.channel().remoteAddress() + ": " + cause);
			ctx.close();
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

	private static RpcServerActivity.TlsOutcome outcomeOf(Throwable cause) {
		if (cause == null) {
			return RpcServerActivity.TlsOutcome.SUCCESS;
		}
		if (cause instanceof NotSslRecordException) {
			return RpcServerActivity.TlsOutcome.PLAINTEXT;
		}
		if (cause instanceof SslHandshakeTimeoutException) {
			return RpcServerActivity.TlsOutcome.TIMEOUT;
		}
		return RpcServerActivity.TlsOutcome.FAILED;
	}

	private static boolean isTls(Throwable cause) {
		for (Throwable t = cause; t != null; t = t.getCause()) {
			if (t instanceof SSLException) {
				return true;
			}
		}
		return false;
	}

}
