package io.hellorpc.jsonrpc.server.realworld;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.server.RpcEndpoint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.validation.annotation.Validated;

/**
 * Endpoints as real applications write them: behind a JDK proxy ({@code @Validated} on an
 * interface-based bean), package-private, meta-annotated, generic, asynchronous.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ ProxiedGreeter.class, HiddenEndpoint.class, Stamped.class, Words.class, Later.class })
public class RealWorldEndpoints {

	public record Person(@NotBlank String name, @Positive int age) {
	}

	public record Word(String text) {
	}

	/** The interface a JDK proxy exposes; the constraint lives here, where method validation reads it. */
	public interface Greeting {

		String greet(@Valid Person person);

	}

	/** A team's own stereotype, meta-annotated with {@code @RpcEndpoint}. */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@RpcEndpoint
	public @interface TeamEndpoint {

		@AliasFor(annotation = RpcEndpoint.class, attribute = "name")
		String value() default "";

	}

	/** A generic base: {@code T} is resolved against the endpoint class. */
	public abstract static class Repeater<T> {

		public List<String> twice(T item) {
			return List.of(item.getClass().getSimpleName() + ":" + item, item.getClass().getSimpleName() + ":" + item);
		}

	}

}

@RpcEndpoint(name = "Proxied")
@Validated
class ProxiedGreeter implements RealWorldEndpoints.Greeting {

	@Override
	public String greet(RealWorldEndpoints.Person person) {
		return "Hello " + person.name() + " (" + person.age() + ")";
	}

}

@RpcEndpoint(name = "Hidden")
class HiddenEndpoint {

	public String hello(String name) {
		return "Hello " + name;
	}

	/** Checked by the server's own validation: the bean is not proxied. */
	public String check(@Valid RealWorldEndpoints.Person person) {
		return "valid " + person.name();
	}

}

@RealWorldEndpoints.TeamEndpoint("Stamped")
class Stamped {

	public String stamp(String text) {
		return "[" + text + "]";
	}

}

@RpcEndpoint(name = "Words")
class Words extends RealWorldEndpoints.Repeater<RealWorldEndpoints.Word> {

}

/** Answers when released; holds no thread meanwhile. */
@RpcEndpoint(name = "Later")
class Later {

	private final java.util.Map<String, CompletableFuture<String>> pending = new java.util.concurrent.ConcurrentHashMap<>();

	public CompletableFuture<String> answer(String key) {
		return this.pending.computeIfAbsent(key, (k) -> new CompletableFuture<>());
	}

	public CompletableFuture<String> fail(String reason) {
		return CompletableFuture.supplyAsync(() -> {
			throw new IllegalStateException(reason);
		});
	}

	public String release(String key) {
		this.pending.computeIfAbsent(key, (k) -> new CompletableFuture<>()).complete("released " + key);
		return "ok";
	}

	public int waiting(String ignored) {
		return (int) this.pending.values().stream().filter((future) -> !future.isDone()).count();
	}

}
