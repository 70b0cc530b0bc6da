import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;

/**
 * Why the client's I/O event loops are platform threads (README, "Where the time goes"): a Netty
 * ManualIoEventLoop driven by a virtual thread, as Vert.x's virtual-thread transport does it (turns
 * that do not block, Thread.yield() between them, a timed block in the selector when idle), and
 * CALLERS virtual threads started by the main thread, each handing the loop a task and parking
 * until it ran. On one CPU the callers may never run: the loop's yields and its blocks (epoll
 * pins the carrier; the JDK's selector compensates) starve the callers' submissions.
 * <p>
 * {@code java -cp CLASSPATH VirtualThreadLoopStarvation epoll|nio CALLERS SECONDS} (Java 21+)
 */
public class VirtualThreadLoopStarvation {

	public static void main(String[] args) throws Exception {
		IoHandlerFactory handlers = "epoll".equals(args[0]) ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		int callers = Integer.parseInt(args[1]);
		long seconds = Long.parseLong(args[2]);
		ManualIoEventLoop loop = new ManualIoEventLoop(null, null, handlers);
		Thread driver = Thread.ofVirtual().unstarted(() -> {
			int idle = 0;
			while (!loop.isShuttingDown()) {
				int done = (idle < 64) ? loop.runNow() : loop.run(10_000_000);
				idle = (done > 0) ? 0 : (idle < 64) ? idle + 1 : 0;
				Thread.yield();
			}
		});
		loop.setOwningThread(driver);
		driver.start();
		AtomicLong handed = new AtomicLong();
		AtomicLong answered = new AtomicLong();
		for (int i = 0; i < callers; i++) {
			Thread.ofVirtual().start(() -> {
				Thread caller = Thread.currentThread();
				while (true) {
					AtomicLong ran = new AtomicLong();
					loop.execute(() -> {
						ran.set(1);
						LockSupport.unpark(caller);
					});
					handed.incrementAndGet();
					while (ran.get() == 0) {
						LockSupport.park();
					}
					answered.incrementAndGet();
				}
			});
		}
		Thread.sleep(seconds * 1000);
		System.out.printf("%s, %d callers, %d s: %d tasks handed to the loop, %d answered%n", args[0], callers, seconds,
				handed.get(), answered.get());
		System.exit(0);
	}

}
