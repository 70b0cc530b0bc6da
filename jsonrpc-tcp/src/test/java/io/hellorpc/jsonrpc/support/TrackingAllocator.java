package io.hellorpc.jsonrpc.support;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

/** An allocator that remembers every buffer it gave out, so a test can prove none was leaked. */
public final class TrackingAllocator extends AbstractByteBufAllocator {

	private final List<ByteBuf> allocated = new ArrayList<>();

	public TrackingAllocator() {
		super(false);
	}

	@Override
	protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
		ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
		this.allocated.add(buffer);
		return buffer;
	}

	@Override
	protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
		return newHeapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public boolean isDirectBufferPooled() {
		return false;
	}

	/** Buffers given out and not released. */
	public synchronized long unreleased() {
		return this.allocated.stream().filter((buffer) -> buffer.refCnt() > 0).count();
	}

}
