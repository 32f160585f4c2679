package io.kilowatch.deploy;

import static io.kilowatch.monitoring.MonitoringFiles.REPO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import io.kilowatch.monitoring.MonitoringFiles;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes checked against the Kubernetes API's own types (the official Java client's models, generated
 * from the API's OpenAPI spec): a field the API does not have, a required field missing or a value of the wrong type
 * fails, as `kubectl apply` would refuse it; then the references between the objects (selectors, ports, the
 * ConfigMap, Secrets by name only, the Service the agents report to) and the probes' intent.
 */
class KubernetesManifestsTest {
    static final Path DIR = REPO.resolve("deploy/kubernetes");
    private static final Map<String, Class<?>> API_TYPES = Map.of(
            "apps/v1 Deployment", V1Deployment.class,
            "apps/v1 DaemonSet", V1DaemonSet.class,
            "v1 Service", V1Service.class,
            "v1 ConfigMap", V1ConfigMap.class,
            "policy/v1 PodDisruptionBudget", V1PodDisruptionBudget.class);
    /** The client's Gson, with its adapters for IntOrString and Quantity. */
    private static final Gson KUBERNETES = new JSON().getGson();
    /** The Secrets the manifests expect the operator to create, and their keys; docs/deployment.md says how. */
    private static final Set<String> SECRET_KEYS = Set.of("kilowatch-postgresql/password", "kilowatch-enrolment/token");

    @Test
    void everyManifestIsAValidObjectOfTheKubernetesApi() {
        Map<String, JsonObject> objects = objects();
        assertEquals(Set.of("Deployment/kilowatch-collector", "Service/kilowatch-collector", "PodDisruptionBudget/kilowatch-collector",
                "ConfigMap/kilowatch-collector", "DaemonSet/kilowatch-agent"), objects.keySet());
        objects.forEach(KubernetesManifestsTest::typed);
    }

    @Test
    void theCheckRefusesAMisspelledFieldAMissingOneAndAWrongType() {
        JsonObject deployment = objects().get("Deployment/kilowatch-collector");
        typed("as shipped", deployment);
        List<Consumer<JsonObject>> breakages = List.of(
                d -> rename(container(d), "readinessProbe", "readynessProbe"),
                d -> rename(container(d).getAsJsonObject("livenessProbe"), "periodSeconds", "periodSecond"),
                d -> d.getAsJsonObject("spec").remove("selector"),
                d -> d.getAsJsonObject("spec").addProperty("replicas", "two"),
                d -> d.getAsJsonObject("spec").addProperty("replicas", "2"),
                d -> container(d).getAsJsonArray("volumeMounts").get(0).getAsJsonObject().addProperty("readOnly", "yes"),
                d -> container(d).getAsJsonArray("ports").get(0).getAsJsonObject().addProperty("containerPort", 8080.5),
                d -> container(d).getAsJsonObject("livenessProbe").getAsJsonObject("httpGet").add("port", new JsonObject()));
        for (int i = 0; i < breakages.size(); i++) {
            JsonObject broken = deployment.deepCopy();
            breakages.get(i).accept(broken);
            int which = i;
            assertThrows(AssertionError.class, () -> typed("breakage " + which, broken), "breakage " + which + " passed: " + broken);
        }
    }

    @Test
    void collectorsAreReadyWhileTheStoreAnswersAndAliveWithoutIt() {
        V1Deployment deployment = typed("Deployment/kilowatch-collector", objects().get("Deployment/kilowatch-collector"));
        assertEquals(2, deployment.getSpec().getReplicas());
        V1Container collector = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("/health", collector.getReadinessProbe().getHttpGet().getPath());
        // /health waits up to 5 s for the store; a shorter timeout would call a slow answer a failure.
        assertTrue(collector.getReadinessProbe().getTimeoutSeconds() > 5, "readiness timeout");
        // /health is 503 while PostgreSQL is away: a liveness probe on it would restart every collector in an outage.
        assertNotEquals("/health", collector.getLivenessProbe().getHttpGet().getPath());
        assertNotEquals("/health", collector.getStartupProbe().getHttpGet().getPath());
        Set<String> ports = Set.copyOf(collector.getPorts().stream().map(p -> p.getName()).toList());
        for (var probe : List.of(collector.getReadinessProbe(), collector.getLivenessProbe(), collector.getStartupProbe())) {
            assertTrue(ports.contains(probe.getHttpGet().getPort().getStrValue()), "probe port " + probe.getHttpGet().getPort());
        }
        assertTrue(collector.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(collector.getSecurityContext().getAllowPrivilegeEscalation());
    }

    @Test
    void theObjectsReferToEachOther() {
        Map<String, JsonObject> objects = objects();
        V1Deployment deployment = typed("", objects.get("Deployment/kilowatch-collector"));
        V1Service service = typed("", objects.get("Service/kilowatch-collector"));
        V1PodDisruptionBudget budget = typed("", objects.get("PodDisruptionBudget/kilowatch-collector"));
        V1ConfigMap config = typed("", objects.get("ConfigMap/kilowatch-collector"));
        V1DaemonSet agents = typed("", objects.get("DaemonSet/kilowatch-agent"));

        Map<String, String> collectorPods = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertSelects("Deployment", deployment.getSpec().getSelector().getMatchLabels(), collectorPods);
        assertSelects("Service", service.getSpec().getSelector(), collectorPods);
        assertSelects("PodDisruptionBudget", budget.getSpec().getSelector().getMatchLabels(), collectorPods);
        assertTrue(budget.getSpec().getMinAvailable().getIntValue() < deployment.getSpec().getReplicas(), "a drain can still move one collector");
        assertSelects("DaemonSet", agents.getSpec().getSelector().getMatchLabels(), agents.getSpec().getTemplate().getMetadata().getLabels());

        V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        V1Container collector = pod.getContainers().get(0);
        V1ServicePort port = service.getSpec().getPorts().get(0);
        assertTrue(collector.getPorts().stream().anyMatch(p -> p.getName().equals(port.getTargetPort().getStrValue())), "Service targetPort");

        // --config names the ConfigMap's file where its volume is mounted.
        String configFile = collector.getArgs().get(collector.getArgs().indexOf("--config") + 1);
        assertEquals(configFile, mountedFile(pod, collector, config.getMetadata().getName(), config.getData().keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> store = (Map<String, Object>) ((Map<String, Object>) new Yaml().load(config.getData().values().iterator().next())).get("store");
        assertEquals("postgresql", store.get("type"));
        @SuppressWarnings("unchecked")
        String passwordFile = (String) ((Map<String, Object>) store.get("postgresql")).get("password_file");
        assertEquals(passwordFile, mountedSecretFile(pod, collector, "kilowatch-postgresql", "password"));

        // Secrets by reference only: none in the directory, each one named is one the operator is told to create.
        for (V1PodSpec spec : List.of(pod, agents.getSpec().getTemplate().getSpec())) {
            for (V1Container container : spec.getContainers()) {
                for (V1EnvVar env : container.getEnv()) {
                    assertTrue(env.getValueFrom() != null || !env.getName().matches(".*(TOKEN|PASSWORD).*"), env.getName() + " holds a secret's value");
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        var ref = env.getValueFrom().getSecretKeyRef();
                        assertTrue(SECRET_KEYS.contains(ref.getName() + "/" + ref.getKey()), "unknown secret " + ref.getName() + "/" + ref.getKey());
                    }
                }
            }
            for (V1Volume volume : spec.getVolumes()) {
                if (volume.getSecret() != null) {
                    volume.getSecret().getItems().forEach(item -> assertTrue(SECRET_KEYS.contains(volume.getSecret().getSecretName() + "/" + item.getKey())));
                }
            }
        }

        // Agents report to the collectors through the Service, and read the node's RAPL zones read-only.
        V1PodSpec agentPod = agents.getSpec().getTemplate().getSpec();
        V1Container agent = agentPod.getContainers().get(0);
        assertEquals("http://" + service.getMetadata().getName() + ":" + port.getPort(), env(agent, "KILOWATCH_AGENT_COLLECTOR_URL"));
        assertEquals("spec.nodeName", agent.getEnv().stream().filter(e -> e.getName().equals("KILOWATCH_AGENT_DEVICE_ID")).findFirst()
                .orElseThrow().getValueFrom().getFieldRef().getFieldPath(), "a device per node, whatever its pod");
        V1VolumeMount powercap = agent.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/sys/class/powercap")).findFirst().orElseThrow();
        assertTrue(powercap.getReadOnly());
        assertEquals("/sys/class/powercap", volume(agentPod, powercap.getName()).getHostPath().getPath());
        assertFalse(Boolean.TRUE.equals(agentPod.getHostPID()));
        assertTrue(agent.getSecurityContext().getCapabilities().getDrop().contains("ALL"));
    }

    /** Every object in deploy/kubernetes by kind and name, as the JSON the API server would get. */
    static Map<String, JsonObject> objects() {
        Map<String, JsonObject> objects = new LinkedHashMap<>();
        for (Path file : MonitoringFiles.files(DIR, ".yaml")) {
            try {
                for (Object document : new Yaml().loadAll(Files.readString(file))) {
                    JsonObject object = new Gson().toJsonTree(document).getAsJsonObject();
                    String key = object.get("kind").getAsString() + "/" + object.getAsJsonObject("metadata").get("name").getAsString();
                    assertTrue(objects.put(key, object) == null, key + " twice");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    /**
     * The object as its API type: the type's own check (unknown and required fields), then Gson with the client's
     * adapters (a value it cannot read), then the value read must be the value written (a string "2" for an
     * integer, or "yes" for a boolean, would be read loosely and differ).
     */
    @SuppressWarnings("unchecked")
    static <T> T typed(String where, JsonObject object) {
        Class<?> type = API_TYPES.get(object.get("apiVersion").getAsString() + " " + object.get("kind").getAsString());
        assertNotNull(type, where + ": not a kind these manifests may hold");
        try {
            type.getMethod("validateJsonElement", JsonElement.class).invoke(null, object);
            Object read = KUBERNETES.fromJson(object, type);
            sameValues(where, object, KUBERNETES.toJsonTree(read));
            return (T) read;
        } catch (InvocationTargetException e) {
            throw new AssertionError(where + ": " + e.getCause().getMessage(), e.getCause());
        } catch (JsonParseException | NumberFormatException | IllegalStateException e) {
            throw new AssertionError(where + ": " + e.getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each value written is read back the same; the type may add empty lists and maps of its own. */
    private static void sameValues(String where, JsonElement written, JsonElement read) {
        if (written.isJsonObject()) {
            assertTrue(read.isJsonObject(), where + ": not an object as read");
            written.getAsJsonObject().entrySet().forEach(e -> sameValues(where + "." + e.getKey(), e.getValue(),
                    read.getAsJsonObject().has(e.getKey()) ? read.getAsJsonObject().get(e.getKey()) : new JsonPrimitive("<absent>")));
        } else if (written.isJsonArray()) {
            assertTrue(read.isJsonArray() && read.getAsJsonArray().size() == written.getAsJsonArray().size(), where + ": list as read " + read);
            for (int i = 0; i < written.getAsJsonArray().size(); i++) {
                sameValues(where + "[" + i + "]", written.getAsJsonArray().get(i), read.getAsJsonArray().get(i));
            }
        } else {
            assertEquals(written, read, where + ": written " + written + ", read as " + read);
        }
    }

    private static JsonObject container(JsonObject deployment) {
        return deployment.getAsJsonObject("spec").getAsJsonObject("template").getAsJsonObject("spec").getAsJsonArray("containers").get(0).getAsJsonObject();
    }

    private static void rename(JsonObject object, String from, String to) {
        object.add(to, object.remove(from));
    }

    private static void assertSelects(String what, Map<String, String> selector, Map<String, String> labels) {
        assertFalse(selector.isEmpty(), what + " selects everything");
        selector.forEach((k, v) -> assertEquals(v, labels.get(k), what + " selector " + k));
    }

    private static V1Volume volume(V1PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static String mountedFile(V1PodSpec pod, V1Container container, String configMap, Set<String> keys) {
        for (V1VolumeMount mount : container.getVolumeMounts()) {
            V1Volume volume = volume(pod, mount.getName());
            if (volume.getConfigMap() != null && volume.getConfigMap().getName().equals(configMap)) {
                assertEquals(1, keys.size());
                return mount.getMountPath() + "/" + keys.iterator().next();
            }
        }
        throw new AssertionError("ConfigMap " + configMap + " not mounted");
    }

    private static String mountedSecretFile(V1PodSpec pod, V1Container container, String secret, String key) {
        for (V1VolumeMount mount : container.getVolumeMounts()) {
            V1Volume volume = volume(pod, mount.getName());
            if (volume.getSecret() != null && volume.getSecret().getSecretName().equals(secret)) {
                var item = volume.getSecret().getItems().stream().filter(i -> i.getKey().equals(key)).findFirst().orElseThrow();
                return mount.getMountPath() + "/" + item.getPath();
            }
        }
        throw new AssertionError("Secret " + secret + " not mounted");
    }

    private static String env(V1Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name)).getValue();
    }
}
