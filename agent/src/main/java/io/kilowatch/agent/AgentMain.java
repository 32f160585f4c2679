package io.kilowatch.agent;

import io.kilowatch.agent.sensor.BatterySensor;
import io.kilowatch.agent.sensor.ModelSensor;
import io.kilowatch.agent.sensor.PowerSensor;
import io.kilowatch.agent.sensor.PowerSensors;
import io.kilowatch.agent.sensor.RaplSensor;
import io.kilowatch.agent.sensor.SysfsBatteries;
import io.kilowatch.core.retry.Backoff;
import io.kilowatch.agent.ship.CredentialFile;
import io.kilowatch.agent.ship.ReportShipper;
import io.kilowatch.agent.ship.ReportSpool;
import io.kilowatch.agent.ship.Tls;
import io.kilowatch.agent.snmp.SnmpSubAgent;
import io.kilowatch.agent.state.AgentState;
import io.kilowatch.agent.state.DeviceIdentity;
import io.kilowatch.agent.system.InventoryReader;
import io.kilowatch.agent.system.OshiInventoryReader;
import io.kilowatch.agent.system.OshiSystemProbe;
import io.kilowatch.agent.system.ProcfsSystemProbe;
import io.kilowatch.agent.system.SysfsInventoryReader;
import io.kilowatch.agent.system.SystemProbe;
import io.kilowatch.core.config.CommandLine;
import io.kilowatch.core.config.ConfigException;
import io.kilowatch.core.config.Settings;
import io.kilowatch.core.energy.DeviceClass;
import io.kilowatch.core.report.ReportValidator;
import io.kilowatch.agent.service.AgentService;
import io.kilowatch.agent.service.ServiceCommand;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;

/** {@code java -jar kilowatch-agent.jar [--config FILE] [--collector URL] [--interval 15s] [--device-id ID]}. */
public final class AgentMain {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);
    static final String ENV_PREFIX = "KILOWATCH_AGENT_";
    static final Map<String, String> FLAGS = Map.of(
            "--collector", "collector.url",
            "--interval", "report_interval",
            "--device-id", "device.id",
            "--data-dir", "data_dir",
            "--class", "device.class");
    private static final String USAGE = """
            Usage: java -jar kilowatch-agent.jar [options]
              --config FILE       YAML config (every key: docs/configuration.md)
              --collector URL[,URL...] collector base URLs in order of preference (collector.url), default http://127.0.0.1:8080
              --interval DURATION report interval (report_interval), e.g. 15s
              --device-id ID      device id (device.id); default: the hardware UUID or a kept random id
              --data-dir DIR      where the agent keeps its state (data_dir)
              --class CLASS       device class (device.class): desktop, laptop, thin_client, server
            Or: kilowatch-agent service install|uninstall|start|stop (Windows; docs/agent-install.md)
            Environment: KILOWATCH_AGENT_<KEY>, e.g. KILOWATCH_AGENT_COLLECTOR_URL.
            """;

    private AgentMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("service")) {
            service(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        try {
            CommandLine cli = CommandLine.parse(args, FLAGS);
            if (cli.helpRequested()) {
                System.out.print(USAGE);
                return;
            }
            Agent agent = build(cli, System.getenv(), Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "kilowatch-agent-shutdown"));
            agent.start();
        } catch (ConfigException e) {
            System.err.println("kilowatch-agent: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    /** {@code kilowatch-agent service ...}: installs, controls or runs the agent as a Windows service. */
    private static void service(String[] args) {
        try {
            String jar = Path.of(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            AgentService.main(args, jar, System.getenv(), System.getProperty("os.name", ""), runArgs -> {
                Agent agent = build(CommandLine.parse(runArgs.toArray(String[]::new), FLAGS), System.getenv(), Clock.systemUTC());
                agent.start();
                return agent::close;
            });
        } catch (ConfigException e) {
            System.err.println("kilowatch-agent: " + e.getMessage());
            System.err.print(ServiceCommand.USAGE);
            System.exit(2);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            System.err.println("kilowatch-agent service: " + e);
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Agent build(CommandLine cli, Map<String, String> env, Clock clock) {
        return build(cli, env, clock, io.kilowatch.agent.system.AwakeClock.forThisMachine());
    }

    /** @param awakeClock nanoseconds that stop while the machine sleeps */
    static Agent build(CommandLine cli, Map<String, String> env, Clock clock, java.util.function.LongSupplier awakeClock) {
        String configText = cli.configFile().map(f -> readConfigFile(Path.of(f))).orElse("");
        Settings settings = cli.settings(configText, env, ENV_PREFIX).readSecretFilesWith(AgentConfig.SECRET_FILES);
        AgentConfig config = AgentConfig.from(settings);
        settings.requireAllKeysKnown();

        // On Linux procfs and sysfs answer everything, and OSHI and JNA are never loaded (docs/agent-install.md, footprint).
        boolean linux = isLinux();
        SystemProbe probe = linux ? new ProcfsSystemProbe() : new OshiSystemProbe(Oshi.INFO);
        InventoryReader inventoryReader = linux ? new SysfsInventoryReader() : new OshiInventoryReader(Oshi.INFO);
        String deviceId = DeviceIdentity.resolve(config.deviceId(), inventoryReader.hardwareUuid(), config.dataDir());
        if (!ReportValidator.DEVICE_ID.matcher(deviceId).matches()) {
            throw new ConfigException("device.id must be 1-128 letters, digits, '.', '_', ':' or '-', got '" + deviceId + "'");
        }
        DisplayCount displays = new DisplayCount(config);
        var firstInventory = inventoryReader.read(config.displayWattsEach());
        displays.update(firstInventory.displays().size());

        RunningSettings running = new RunningSettings(config.localSettings(), config.localSettingKeys());
        PowerSensors sensors = sensors(config, linux ? new SysfsBatteries(Path.of("/sys/class/power_supply")) : AgentMain::oshiBatteries,
                displays, running, clock);
        AgentState state = AgentState.load(dataFile(config.dataDir(), "state-", deviceId, ".properties"), clock.instant());
        ReportSpool spool = ReportSpool.open(dataFile(config.dataDir(), "spool-", deviceId, ""), config.backlogMaxReports());
        state.ensureAbove(spool.maxSequence()); // a report spooled just before a crash keeps its number
        String version = versionOf();
        ReportShipper shipper = new ReportShipper(config.collectorUrls(), config.failbackInterval(), config.collectorTimeout(), config.backlogBatchReports(),
                "kilowatch-agent/" + version, spool, state::renumberAbove,
                new Backoff(Duration.ofSeconds(1), config.retryMaxBackoff(), new SplittableRandom()), clock,
                deviceId, config.enrolmentToken(), new CredentialFile(dataFile(config.dataDir(), "credential-", deviceId, "")),
                tls(config));
        // Off by default, and then SNMP4J is never even loaded: no thread, no socket.
        List<SnapshotPublisher> publishers = config.snmp().enabled()
                ? List.of(snmpSubAgent(config, deviceId, version, probe, clock)) : List.of();
        return new Agent(config, running, deviceId, version, probe, sensors, state, spool, shipper, () -> {
            var inventory = inventoryReader.read(config.displayWattsEach());
            displays.update(inventory.displays().size());
            return inventory;
        }, publishers, clock, awakeClock);
    }

    /**
     * The TLS context for the collectors, set up only where TLS is used (an {@code https://} collector, or
     * PEM files given): some 170 classes an agent reporting over {@code http://} does without. Null means none.
     */
    static javax.net.ssl.SSLContext tls(AgentConfig config) {
        boolean pemFiles = config.tlsCaFile().isPresent() || config.tlsCertFile().isPresent();
        boolean https = config.collectorUrls().stream().anyMatch(url -> "https".equalsIgnoreCase(url.getScheme()));
        return pemFiles || https ? Tls.context(config.tlsCaFile(), config.tlsCertFile(), config.tlsKeyFile()) : null;
    }

    /** OSHI, created on first use only: on Linux, only the SNMP sub-agent's HOST-RESOURCES-MIB tables need it. */
    private static final class Oshi {
        static final SystemInfo INFO = new SystemInfo();
    }

    static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux") && Files.isReadable(Path.of("/proc/stat"));
    }

    private static List<BatterySensor.BatteryState> oshiBatteries() {
        return Oshi.INFO.getHardware().getPowerSources().stream()
                .map(p -> new BatterySensor.BatteryState(p.isPowerOnLine(), p.isDischarging(), p.getPowerUsageRate()))
                .toList();
    }

    private static SnapshotPublisher snmpSubAgent(AgentConfig config, String deviceId, String version, SystemProbe probe, Clock clock) {
        var host = probe.snapshot();
        return SnmpSubAgent.start(config.snmp(), deviceId, new SnmpSubAgent.SystemIdentity(host.hostname(), host.os(), version),
                Oshi.INFO, dataFile(config.dataDir(), "snmp-engine-boots-", deviceId, ""), clock);
    }

    static PowerSensors sensors(AgentConfig config, Supplier<List<BatterySensor.BatteryState>> batteries, DisplayCount displays,
                                RunningSettings running, Clock clock) {
        List<PowerSensor> ordered = new ArrayList<>();
        for (String source : config.powerSources()) {
            switch (source) {
                case "rapl" -> RaplSensor.open(config.raplRoot(), clock.instant(), config.raplPsuEfficiency(),
                        config.raplPlatformWatts(), displays::watts).ifPresentOrElse(
                                rapl -> {
                                    ordered.add(rapl);
                                    LOG.atInfo().addKeyValue("zones", rapl.zoneNames()).log("RAPL energy counters in use");
                                },
                                () -> LOG.atInfo().addKeyValue("root", config.raplRoot()).log("no readable RAPL counters; not using rapl"));
                case "battery" -> {
                    if (!batteries.get().isEmpty()) {
                        ordered.add(new BatterySensor(batteries));
                    }
                }
                default -> {
                    // "model" is always last and always present
                }
            }
        }
        return new PowerSensors(ordered, new ModelSensor(() -> running.current().powerModel(), displays::watts));
    }

    /** A device's file in the data dir; device ids may hold ':', which Windows forbids in file names. */
    static Path dataFile(Path dataDir, String prefix, String deviceId, String suffix) {
        return dataDir.resolve(prefix + deviceId.replace(':', '_') + suffix);
    }

    static String versionOf() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Watts of the displays counted into the estimate; on a laptop the first one is its own panel. */
    static final class DisplayCount {
        private final AgentConfig config;
        private volatile double watts;

        DisplayCount(AgentConfig config) {
            this.config = config;
        }

        void update(int displays) {
            int external = config.deviceClass() == DeviceClass.LAPTOP ? Math.max(0, displays - 1) : displays;
            watts = config.countDisplays() ? external * config.displayWattsEach() : 0;
        }

        double watts() {
            return watts;
        }
    }

    static String readConfigFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }
}
