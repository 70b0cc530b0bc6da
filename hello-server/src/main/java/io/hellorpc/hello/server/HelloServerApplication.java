package io.hellorpc.hello.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The hello service over JSON-RPC/TCP, as the Go original's {@code -server} mode. */
@SpringBootApplication
public class HelloServerApplication {

	public static void main(String[] args) {
		TerminationSignal.exitZeroOnSigterm();
		SpringApplication.run(HelloServerApplication.class, args);
	}

}
