package io.hellorpc.jsonrpc.server.openrpc;

import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jackson.JacksonSchemaModule;
import tools.jackson.databind.introspect.BeanPropertyDefinition;

/**
 * victools' Jackson module, and a property's name as the generator's mapper (the codec's) writes
 * it: the module itself honours {@code @JsonProperty} and {@code @JsonNaming} only, not a naming
 * strategy set on the mapper, such as the codec's upper camel case ({@code message} is
 * {@code Message}). The name is Jackson's own, from the same introspection the module uses.
 */
final class WireNamesModule extends JacksonSchemaModule {

	WireNamesModule(JacksonOption... options) {
		super(options);
	}

	@Override
	public void applyToConfigBuilder(SchemaGeneratorConfigBuilder builder) {
		// First: the first name a resolver gives wins, and Jackson's already applies @JsonProperty.
		builder.forFields().withPropertyNameOverrideResolver(this::wireName);
		super.applyToConfigBuilder(builder);
	}

	private String wireName(FieldScope field) {
		String declared = field.getDeclaredName();
		return getBeanDescriptionForClass(field.getDeclaringType()).findProperties()
			.stream()
			.filter((property) -> declared.equals(property.getInternalName()))
			.map(BeanPropertyDefinition::getName)
			.filter((name) -> !name.equals(declared))
			.findFirst()
			.orElse(null);
	}

}
