package io.hellorpc.jsonrpc.client;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/** Registers the client beans {@link ImportRpcServices @ImportRpcServices} asks for. */
final class RpcServicesRegistrar implements ImportBeanDefinitionRegistrar {

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		// Both forms: one annotation, or several held by the container.
		for (AnnotationAttributes imported : metadata.getMergedRepeatableAnnotationAttributes(ImportRpcServices.class,
				ImportRpcServices.Container.class, false)) {
			String group = imported.getString("group");
			RpcClientGroups.checkGroupName(group);
			for (Class<?> type : types(imported)) {
				register(registry, group, type);
			}
		}
	}

	private Set<Class<?>> types(AnnotationAttributes imported) {
		Set<Class<?>> types = new LinkedHashSet<>(List.of(imported.getClassArray("types")));
		ClassLoader classLoader = ClassUtils.getDefaultClassLoader();
		for (Class<?> anchor : imported.getClassArray("basePackageClasses")) {
			for (BeanDefinition found : scanner().findCandidateComponents(anchor.getPackageName())) {
				types.add(ClassUtils.resolveClassName(found.getBeanClassName(), classLoader));
			}
		}
		return types;
	}

	private void register(BeanDefinitionRegistry registry, String group, Class<?> type) {
		String beanName = type.getName();
		if (registry.containsBeanDefinition(beanName)) {
			throw new IllegalStateException("@ImportRpcServices: " + type.getName() + " is imported twice; import each interface in one group");
		}
		RootBeanDefinition definition = new RootBeanDefinition(RpcClientFactoryBean.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(1, group);
		definition.setTargetType(ResolvableType.forClassWithGenerics(RpcClientFactoryBean.class, type));
		definition.setAttribute(ImportRpcServices.GROUP_ATTRIBUTE, group);
		registry.registerBeanDefinition(beanName, definition);
	}

	/** Finds interfaces annotated {@code @RpcExchange}, which the default scanner skips as not concrete. */
	private static ClassPathScanningCandidateComponentProvider scanner() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
			}
		};
		scanner.addIncludeFilter(new AnnotationTypeFilter(RpcExchange.class));
		return scanner;
	}

}
