package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The codec shared by the JSON-RPC server and client. It speaks JSON the way Go does (see
 * {@link GoJson}); define a {@link JsonRpcCodec} bean to use another mapper.
 */
@AutoConfiguration
public class JsonRpcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public JsonRpcCodec jsonRpcCodec() {
		return new JsonRpcCodec(GoJson.mapper());
	}

}
