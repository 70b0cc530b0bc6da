package io.hellorpc.jsonrpc.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;

/**
 * {@code bench/alloc.sh}'s reader of other JVMs' allocation counters. Attaches to each JVM given
 * (its process id), starts its local JMX agent (loopback only) and keeps one JMX connection to
 * it open; prints {@code ready}, then for each line {@code I} read on stdin prints one line: the
 * heap bytes that JVM I's threads have allocated so far, ended threads included (the attribute
 * {@code TotalThreadAllocatedBytes} of {@code java.lang:type=Threading}, i.e.
 * {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}: the target must run Java
 * 21+). Ends at the end of its input.
 * <p>
 * Usage: {@code AllocationProbe PID...}. A read costs the target the allocations of one JMX call
 * over RMI (some kilobytes, on the target's RMI thread): the script measures that and takes it out.
 */
public final class AllocationProbe {

	private AllocationProbe() {
	}

	public static void main(String[] args) throws Exception {
		ObjectName threading = new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME);
		List<MBeanServerConnection> jvms = new ArrayList<>();
		List<JMXConnector> connectors = new ArrayList<>();
		for (String pid : args) {
			VirtualMachine vm = VirtualMachine.attach(pid);
			String address;
			try {
				address = vm.startLocalManagementAgent();
			}
			finally {
				vm.detach();
			}
			JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
			connectors.add(connector);
			MBeanServerConnection jvm = connector.getMBeanServerConnection();
			try {
				jvm.getAttribute(threading, "TotalThreadAllocatedBytes");
			}
			catch (AttributeNotFoundException ex) {
				throw new IllegalStateException("JVM " + pid + " has no TotalThreadAllocatedBytes: it needs Java 21+", ex);
			}
			jvms.add(jvm);
		}
		System.out.println("ready");
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.isBlank()) {
				continue;
			}
			Object bytes = jvms.get(Integer.parseInt(line.trim())).getAttribute(threading, "TotalThreadAllocatedBytes");
			System.out.println(bytes);
			System.out.flush();
		}
		for (JMXConnector connector : connectors) {
			connector.close();
		}
	}

}
