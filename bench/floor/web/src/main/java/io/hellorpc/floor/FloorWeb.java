package io.hellorpc.floor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An empty Spring Boot web app with the actuator, the floor under hello-server's resident memory. */
@SpringBootApplication
public class FloorWeb {

    public static void main(String[] args) {
        SpringApplication.run(FloorWeb.class, args);
    }
}
