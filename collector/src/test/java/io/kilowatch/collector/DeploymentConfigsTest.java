package io.kilowatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.monitoring.MonitoringFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way deploy/ starts a collector (the systemd unit, the compose collectors, the Kubernetes Deployment with
 * its ConfigMap) is one the collector accepts: its command line, environment and config file go through the
 * collector's own config reader, as at start, with unknown keys, bad values and unreadable secret files refused.
 * Paths inside the machine or container are mapped to files here: config files to the repository's, secrets to
 * files holding a stand-in value.
 */
class DeploymentConfigsTest {
    private static final Path REPO = MonitoringFiles.REPO;
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::[?-]([^}]*))?}");
    /** Long enough for the enrolment token's minimum; any text does for a password. */
    private static final String STAND_IN_SECRET = "stand-in-secret-0123456789";
    private static final String STAND_IN_SHA256 = "0".repeat(64);

    @TempDir
    Path dir;
    private final Map<String, Path> files = new LinkedHashMap<>();

    @Test
    void theSystemdUnitsCollectorIsAccepted() throws IOException {
        List<String> unit = Files.readAllLines(REPO.resolve("deploy/systemd/kilowatch-collector.service"));
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Map<String, String> env = new HashMap<>();
        for (String line : unit) {
            if (line.startsWith("LoadCredential=")) {
                Files.writeString(credentials.resolve(line.substring("LoadCredential=".length()).split(":")[0]), STAND_IN_SECRET);
            } else if (line.startsWith("Environment=")) {
                String[] variable = line.substring("Environment=".length()).split("=", 2);
                env.put(variable[0], variable[1].replace("%d", credentials.toString()));
            }
        }
        // The environment is read only for keys the collector asks for: a misspelt variable would go unnoticed.
        Settings keys = Settings.empty("defaults");
        CollectorConfig.from(keys);
        Set<String> known = keys.keysRead().stream().map(k -> Settings.envName(CollectorMain.ENV_PREFIX, k)).collect(Collectors.toSet());
        env.keySet().forEach(name -> assertTrue(known.contains(name), name + " names no config key"));
        // The operator's config starts as the example; the unit gives the store's password whatever the store.
        files.put("/etc/kilowatch/kilowatch-collector.yaml", REPO.resolve("collector/kilowatch-collector.yaml"));
        String execStart = unit.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        CollectorConfig config = accept(afterJar(List.of(execStart.substring("ExecStart=".length()).split(" "))), env);
        assertEquals(Path.of("/var/lib/kilowatch-collector"), config.dataDir(), "the unit's StateDirectory");
        assertTrue(unit.contains("StateDirectory=kilowatch-collector"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeCollectorsAreAccepted() {
        Path compose = REPO.resolve("deploy/compose.yaml");
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) MonitoringFiles.yaml(compose).get("services");
        for (String name : List.of("kilowatch-collector-1", "kilowatch-collector-2")) {
            Map<String, Object> service = services.get(name);
            for (Object volume : (List<Object>) service.get("volumes")) {
                String[] parts = String.valueOf(volume).split(":");
                if (parts[0].startsWith(".")) {
                    files.put(parts[1], compose.getParent().resolve(parts[0]).normalize());
                }
            }
            for (Object secret : (List<Object>) service.get("secrets")) {
                files.put("/run/secrets/" + secret, standInSecret(String.valueOf(secret)));
            }
            List<String> command = new ArrayList<>();
            ((List<Object>) service.get("command")).forEach(argument -> command.add(composeVariables(String.valueOf(argument))));
            CollectorConfig config = accept(afterJar(command), Map.of());
            assertTrue(config.store().describe().startsWith("postgresql jdbc:postgresql://postgresql:5432/kilowatch"), name + ": " + config.store().describe());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKubernetesCollectorsAreAccepted() throws IOException {
        Path manifests = REPO.resolve("deploy/kubernetes");
        Map<String, Object> configMap = MonitoringFiles.yaml(manifests.resolve("collector-config.yaml"));
        Map<String, Object> deployment = MonitoringFiles.yaml(manifests.resolve("collector-deployment.yaml"));
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        Map<String, Map<String, Object>> volumes = new HashMap<>();
        ((List<Map<String, Object>>) pod.get("volumes")).forEach(v -> volumes.put((String) v.get("name"), v));
        for (Map<String, Object> mount : (List<Map<String, Object>>) container.get("volumeMounts")) {
            Map<String, Object> volume = volumes.get((String) mount.get("name"));
            String at = (String) mount.get("mountPath");
            if (volume.containsKey("configMap")) {
                for (Map.Entry<String, Object> file : ((Map<String, Object>) configMap.get("data")).entrySet()) {
                    Path local = dir.resolve("configmap-" + file.getKey());
                    Files.writeString(local, (String) file.getValue());
                    files.put(at + "/" + file.getKey(), local);
                }
            } else if (volume.containsKey("secret")) {
                for (Map<String, Object> item : (List<Map<String, Object>>) ((Map<String, Object>) volume.get("secret")).get("items")) {
                    files.put(at + "/" + item.get("path"), standInSecret((String) item.get("path")));
                }
            }
        }
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> variable : (List<Map<String, Object>>) container.get("env")) {
            env.put((String) variable.get("name"), variable.containsKey("value") ? (String) variable.get("value") : STAND_IN_SECRET);
        }
        CollectorConfig config = accept((List<String>) container.get("args"), env);
        assertTrue(config.store().describe().startsWith("postgresql "), config.store().describe());
        assertEquals(STAND_IN_SECRET, config.enrolmentToken().orElseThrow(), "every collector the same token, from the Secret");
    }

    @Test
    void aKeyTheCollectorDoesNotKnowIsRefused() {
        files.put("/etc/kilowatch/kilowatch-collector.yaml", REPO.resolve("collector/kilowatch-collector.yaml"));
        ConfigException refused = assertThrows(ConfigException.class,
                () -> accept(List.of("--config", "/etc/kilowatch/kilowatch-collector.yaml", "--set", "store.postgresql.pasword_file=/x"), Map.of()));
        assertTrue(refused.getMessage().contains("store.postgresql.pasword_file"), refused.getMessage());
    }

    /** The collector's config from these arguments and environment, the paths they name mapped to files here. */
    private CollectorConfig accept(List<String> args, Map<String, String> env) {
        Map<String, String> mappedEnv = new HashMap<>();
        env.forEach((k, v) -> mappedEnv.put(k, mapped(v)));
        List<String> mappedArgs = args.stream().map(this::mapped).toList();
        // Config files name paths too (secret files): read the mapped config with its paths mapped as well.
        List<String> withConfig = new ArrayList<>(mappedArgs);
        int config = withConfig.indexOf("--config");
        if (config >= 0) {
            try {
                Path mappedConfig = Files.createTempFile(dir, "config", ".yaml");
                Files.writeString(mappedConfig, mapped(Files.readString(Path.of(withConfig.get(config + 1)))));
                withConfig.set(config + 1, mappedConfig.toString());
            } catch (IOException e) {
                throw new AssertionError("config file " + withConfig.get(config + 1) + " not found", e);
            }
        }
        return CollectorMain.config(CommandLine.parse(withConfig.toArray(String[]::new), CollectorMain.FLAGS), mappedEnv);
    }

    private String mapped(String text) {
        String result = text;
        for (Map.Entry<String, Path> file : files.entrySet()) {
            result = result.replace(file.getKey(), file.getValue().toString());
        }
        return result;
    }

    private Path standInSecret(String name) {
        try {
            return Files.writeString(dir.resolve("secret-" + name), STAND_IN_SECRET + "\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The arguments after `-jar <the collector's jar>`. */
    private static List<String> afterJar(List<String> command) {
        int jar = command.indexOf("-jar");
        assertTrue(jar >= 0 && command.get(jar + 1).endsWith("/kilowatch-collector.jar"), "runs the collector's jar: " + command);
        return command.subList(jar + 2, command.size());
    }

    /** Compose's ${VAR:-default} and ${VAR:?message}: the default, or a stand-in for what the operator sets in .env. */
    private static String composeVariables(String argument) {
        Matcher variable = COMPOSE_VARIABLE.matcher(argument);
        StringBuilder result = new StringBuilder();
        while (variable.find()) {
            String value = variable.group(1).endsWith("_SHA256") ? STAND_IN_SHA256
                    : variable.group(0).contains(":-") ? variable.group(2) : STAND_IN_SECRET;
            variable.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        return variable.appendTail(result).toString();
    }
}
