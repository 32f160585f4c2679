package io.kilowatch.agent.state;

import io.kilowatch.core.report.ReportValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * A device id that stays the same across restarts: the configured one; else the hardware UUID
 * (SMBIOS, survives reinstalls); else a random id made once and kept in the data directory.
 */
public final class DeviceIdentity {
    private DeviceIdentity() {
    }

    public static String resolve(String configured, String hardwareUuid, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        if (hardwareUuid != null && isUsableUuid(hardwareUuid)) {
            return hardwareUuid.trim().toLowerCase(Locale.ROOT);
        }
        Path file = dataDir.resolve("device-id");
        try {
            if (Files.exists(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (ReportValidator.DEVICE_ID.matcher(kept).matches()) {
                    return kept;
                }
            }
            String made = UUID.randomUUID().toString();
            Files.createDirectories(dataDir);
            Files.writeString(file, made + "\n", StandardCharsets.UTF_8);
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the device id in " + file + "; set device.id in the config", e);
        }
    }

    /** Firmware fills unset UUIDs with all zeros or all Fs; those are the same on every machine. */
    static boolean isUsableUuid(String uuid) {
        String hex = uuid.replace("-", "").trim().toLowerCase(Locale.ROOT);
        return hex.matches("[0-9a-f]{32}") && !hex.matches("0+") && !hex.matches("f+");
    }
}
