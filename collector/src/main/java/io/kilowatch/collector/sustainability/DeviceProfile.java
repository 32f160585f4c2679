package io.kilowatch.collector.sustainability;

import io.kilowatch.collector.estate.DeviceRow;
import io.kilowatch.core.carbon.ClassFootprints;
import io.kilowatch.core.carbon.EmbodiedCarbon;
import io.kilowatch.core.report.Inventory;
import io.kilowatch.core.report.ReportCodec;
import io.kilowatch.core.report.ReportFormatException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device as carbon reporting sees it: its labels, its class's footprint, and its embodied carbon with
 * where each figure came from. The date it entered service is, in order of trust: the purchase date
 * recorded for it, the release date of its firmware (a device is rarely bought long after its firmware
 * was built), or the day Kilowatch first saw it.
 *
 * @param embodiedKg empty when neither its model nor its class has a figure
 */
record DeviceProfile(DeviceRow row, ClassFootprints.Footprint footprint, Optional<Double> embodiedKg, int lifeYears,
                     String embodiedSource, LocalDate inService, String inServiceSource, String model, int displays) {

    static final String NONE = "(none)";
    private static final Inventory UNKNOWN = new Inventory(null, null, null, null, null, null, null, null, null);

    String org() {
        return label(row.identity().org());
    }

    String site() {
        return label(row.identity().site());
    }

    String deviceClass() {
        return label(row.identity().deviceClass());
    }

    private static String label(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }

    double embodiedGramsIn(Instant from, Instant to, ZoneId zone) {
        return embodiedKg.map(kg -> EmbodiedCarbon.gramsIn(kg, inService, lifeYears, from, to, zone)).orElse(0.0);
    }

    static List<DeviceProfile> of(List<DeviceRow> rows, Map<String, LocalDate> purchases, SustainabilityConfig config, ZoneId zone) {
        List<DeviceProfile> profiles = new ArrayList<>(rows.size());
        for (DeviceRow row : rows) {
            profiles.add(of(row, purchases.get(row.deviceId()), config, zone));
        }
        return profiles;
    }

    static DeviceProfile of(DeviceRow row, LocalDate purchased, SustainabilityConfig config, ZoneId zone) {
        Inventory inventory = inventory(row);
        String model = inventory.model();
        int displays = inventory.displays() == null ? 0 : inventory.displays().size();
        ClassFootprints.Footprint footprint = config.footprints().forClass(row.identity().deviceClass());
        SustainabilityConfig.ModelFootprint byModel = model == null ? null : config.models().get(model);
        Optional<Double> kg;
        String source;
        int life;
        if (byModel != null) {
            kg = Optional.of(byModel.embodiedKgco2e());
            life = byModel.expectedLifeYears().orElse(footprint.expectedLifeYears());
            source = "model '" + model + "' (sustainability.models)";
        } else {
            kg = footprint.embodiedKgco2e();
            life = footprint.expectedLifeYears();
            source = "class " + label(row.identity().deviceClass()) + ": " + footprint.source();
        }
        if (kg.isPresent() && displays > 0) {
            kg = Optional.of(kg.get() + displays * ClassFootprints.MONITOR_EMBODIED_KGCO2E);
            source += "; plus " + displays + " display(s) at " + ClassFootprints.MONITOR_EMBODIED_KGCO2E + " kg (Boavizta monitor archetype)";
        }
        LocalDate inService;
        String inServiceSource;
        LocalDate firmware = firmwareDate(inventory);
        if (purchased != null) {
            inService = purchased;
            inServiceSource = "purchase date";
        } else if (firmware != null) {
            inService = firmware;
            inServiceSource = "firmware release date";
        } else {
            inService = Instant.ofEpochMilli(row.reporting().firstSeenMs()).atZone(zone).toLocalDate();
            inServiceSource = "first seen by Kilowatch";
        }
        return new DeviceProfile(row, footprint, kg, life, source, inService, inServiceSource, model, displays);
    }

    /** Its stored inventory; an empty one when there is none, or it cannot be read. */
    private static Inventory inventory(DeviceRow row) {
        try {
            return row.inventory().json() == null ? UNKNOWN : ReportCodec.inventoryFromJson(row.inventory().json());
        } catch (ReportFormatException e) {
            return UNKNOWN;
        }
    }

    /** OSHI gives firmware dates as yyyy-MM-dd; anything else is ignored rather than guessed at. */
    private static LocalDate firmwareDate(Inventory inventory) {
        String text = inventory.firmware() == null ? null : inventory.firmware().releaseDate();
        if (text == null || text.length() < 10) {
            return null;
        }
        try {
            LocalDate date = LocalDate.parse(text.substring(0, 10));
            return date.getYear() >= 1990 ? date : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
