package io.hellorpc.jsonrpc.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.client.ImportRpcServices;
import io.hellorpc.jsonrpc.client.RpcExchange;
import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.advice.RpcAdvice;
import io.hellorpc.jsonrpc.server.advice.RpcExceptionHandler;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/** The hints a native image build gets, checked as Spring's own are, with RuntimeHintsPredicates. */
class RpcRuntimeHintsTests {

	public record Order(String item, Address to) {
	}

	public record Address(String city) {
	}

	public record Receipt(List<Line> lines) {
	}

	public record Line(String text) {
	}

	@RpcEndpoint
	public static class Shop {

		public Receipt buy(Order order) {
			return new Receipt(List.of(new Line(order.item())));
		}

		public CompletableFuture<Line> later(Address address) {
			return CompletableFuture.completedFuture(new Line(address.city()));
		}

		public void notCallable(String text) {
		}

	}

	/** No annotation at all: known as a client because {@code @ImportRpcServices} imports it. */
	public interface ShopClient {

		Receipt buy(Order order);

	}

	@RpcExchange("Shop")
	public interface AsyncShopClient {

		CompletableFuture<Line> later(Address address);

	}

	public interface NotAClient {

		String something(String text);

	}

	private static RuntimeHints hintsFor(Class<?>... beanTypes) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		for (Class<?> type : beanTypes) {
			beanFactory.registerBeanDefinition(type.getName(), new RootBeanDefinition(type));
		}
		RuntimeHints hints = new RuntimeHints();
		RpcRuntimeHints.register(hints, beanFactory);
		return hints;
	}

	@Test
	void endpointMethodsAreInvocableAndTheirParamAndResultTypesBindable() {
		RuntimeHints hints = hintsFor(Shop.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "buy")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "later")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "notCallable")).rejects(hints);
		for (Class<?> bound : List.of(Order.class, Address.class, Receipt.class, Line.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(bound)).as(bound.getSimpleName()).accepts(hints);
		}
	}

	@RpcAdvice
	public static class ShopAdvice {

		@RpcExceptionHandler
		RpcError soldOut(IllegalStateException ex) {
			return RpcError.of(1, "sold out");
		}

		public String notAHandler(IllegalStateException ex) {
			return "";
		}

	}

	@Test
	void exceptionHandlersOfAdviceBeansAreInvocable() {
		RuntimeHints hints = hintsFor(ShopAdvice.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ShopAdvice.class, "soldOut")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ShopAdvice.class, "notAHandler")).rejects(hints);
	}

	@Test
	void exchangeInterfacesGetTheirJdkProxyAndBindingTypes() {
		RuntimeHints hints = hintsFor(AsyncShopClient.class, NotAClient.class);
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(AsyncShopClient.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(NotAClient.class)).rejects(hints);
		for (Class<?> bound : List.of(Address.class, Line.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(bound)).as(bound.getSimpleName()).accepts(hints);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportRpcServices(types = ShopClient.class)
	@Import(Shop.class)
	static class AotApp {

	}

	@Test
	void anApplicationWithEndpointsAndImportedClientsIsProcessedAheadOfTimeWithTheirHints() {
		GenericApplicationContext context = new GenericApplicationContext();
		AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
		context.registerBean(AotApp.class);
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(AotApp.class)), new InMemoryGeneratedFiles());
		// Fails for a bean Spring AOT cannot generate code for (an instance supplier, say).
		new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		RuntimeHints hints = generation.getRuntimeHints();
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(ShopClient.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Shop.class, "buy")).accepts(hints);
		for (Class<?> bound : List.of(Order.class, Address.class, Receipt.class, Line.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(bound)).as(bound.getSimpleName()).accepts(hints);
		}
	}

	@Test
	void theProcessorIsRegisteredForAot() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(BeanFactoryInitializationAotProcessor.class)).hasAtLeastOneElementOfType(RpcRuntimeHints.class);
	}

}
