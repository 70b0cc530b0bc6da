package io.hellorpc.jsonrpc.client;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;

/**
 * Makes one imported {@code @RpcExchange} client from its group's template. A factory bean with
 * plain constructor arguments, rather than an instance supplier, so that Spring AOT can generate
 * code for it.
 */
final class RpcClientFactoryBean<S> implements FactoryBean<S>, BeanFactoryAware {

	private final Class<S> serviceType;

	private final String group;

	private BeanFactory beanFactory;

	RpcClientFactoryBean(Class<S> serviceType, String group) {
		this.serviceType = serviceType;
		this.group = group;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public S getObject() {
		return this.beanFactory.getBean(RpcClientGroups.class).client(this.group, this.serviceType);
	}

	@Override
	public Class<?> getObjectType() {
		return this.serviceType;
	}

}
