package io.hellorpc.floor;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** An empty Spring Boot CLI, the floor under hello-client's start-up: it prints one line and exits. */
@SpringBootApplication
public class FloorCli {

    public static void main(String[] args) {
        SpringApplication.run(FloorCli.class, args);
    }

    @Bean
    CommandLineRunner hello() {
        return args -> System.out.println("Hello ciro");
    }
}
