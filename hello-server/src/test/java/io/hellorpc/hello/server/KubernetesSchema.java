package io.hellorpc.hello.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;

/**
 * Validates Kubernetes objects against the API's schema: the Kubernetes Java client's models
 * (io.kubernetes:client-java-api, generated from the Kubernetes 1.32 OpenAPI schema) read each
 * object strictly: a field the schema does not define, a required field missing, an object or a
 * list where the schema has a scalar (or the other way round), or a value that does not convert to
 * the field's type (a name where a port number belongs) is a problem. One problem per object: the
 * first one the models meet.
 */
final class KubernetesSchema {

	/** The kinds deploy/kubernetes uses; any other kind is a problem, not skipped. */
	private static final Map<String, Class<?>> MODELS = Map.of("apps/v1 Deployment", V1Deployment.class,
			"v1 Service", V1Service.class, "policy/v1 PodDisruptionBudget", V1PodDisruptionBudget.class,
			"batch/v1 Job", V1Job.class);

	private KubernetesSchema() {
	}

	/** The problems of these objects (as parsed from YAML), each naming the object; empty if none. */
	static List<String> problems(List<Map<String, Object>> objects) {
		Gson gson = new JSON().getGson();
		List<String> problems = new ArrayList<>();
		for (Map<String, Object> object : objects) {
			String type = object.get("apiVersion") + " " + object.get("kind");
			String name = type + " " + name(object);
			Class<?> model = MODELS.get(type);
			if (model == null) {
				problems.add(name + ": no schema for " + type);
				continue;
			}
			try {
				gson.fromJson(new Gson().toJsonTree(object), model);
			}
			catch (RuntimeException ex) {
				// a field the schema lacks, an object for a scalar: the models name the field and
				// quote the whole object after it, which the name makes unnecessary; a value of the
				// wrong type: Gson names the value (a number field given "rpc")
				String message = String.valueOf(ex.getMessage());
				int json = message.indexOf(" JSON: ");
				problems.add(name + ": " + ((json < 0) ? message : message.substring(0, json)));
			}
		}
		return problems;
	}

	private static Object name(Map<String, Object> object) {
		return (object.get("metadata") instanceof Map<?, ?> metadata) ? metadata.get("name") : null;
	}

}
