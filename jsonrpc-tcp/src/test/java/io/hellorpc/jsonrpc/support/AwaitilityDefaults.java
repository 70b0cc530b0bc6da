package io.hellorpc.jsonrpc.support;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Every {@code await()} of the suite (this module's and, through the test jar, the applications')
 * waits up to a minute unless it says otherwise: an outcome proven by an event may come late on a
 * loaded machine, and only a broken feature never brings it. Registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class AwaitilityDefaults implements LauncherSessionListener {

	static final Duration AT_MOST = Duration.ofSeconds(60);

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		Awaitility.setDefaultTimeout(AT_MOST);
	}

}
