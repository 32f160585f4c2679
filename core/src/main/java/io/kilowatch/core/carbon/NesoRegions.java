package io.kilowatch.core.carbon;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Region names for half-hourly intensity: NESO Carbon Intensity API region ids (1-18), {@code national}
 * for its national series, or any other name for imported data (another country's grid, say). A region
 * is kept by its key: the NESO id as text ("13"), "national", or the name as given.
 */
public final class NesoRegions {
    public static final String NATIONAL = "national";
    /** Sites set to this use annual factors only. */
    public static final String NONE = "none";

    /** Short names as the API gives them in {@code shortname}. */
    private static final Map<Integer, String> SHORT_NAMES = Map.ofEntries(
            Map.entry(1, "North Scotland"), Map.entry(2, "South Scotland"), Map.entry(3, "North West England"),
            Map.entry(4, "North East England"), Map.entry(5, "Yorkshire"), Map.entry(6, "North Wales & Merseyside"),
            Map.entry(7, "South Wales"), Map.entry(8, "West Midlands"), Map.entry(9, "East Midlands"),
            Map.entry(10, "East England"), Map.entry(11, "South West England"), Map.entry(12, "South England"),
            Map.entry(13, "London"), Map.entry(14, "South East England"), Map.entry(15, "England"),
            Map.entry(16, "Scotland"), Map.entry(17, "Wales"), Map.entry(18, "GB"));

    private NesoRegions() {
    }

    /**
     * The key of a region given by id or name ("13", "London" and "london" are all "13"); empty for
     * {@code none}. Names that are no NESO region are kept as given, for imported CSV data.
     */
    public static Optional<String> key(String given) {
        String trimmed = given.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("a region must not be empty");
        }
        if (trimmed.equalsIgnoreCase(NONE)) {
            return Optional.empty();
        }
        if (trimmed.equalsIgnoreCase(NATIONAL)) {
            return Optional.of(NATIONAL);
        }
        if (trimmed.chars().allMatch(Character::isDigit)) {
            int id = Integer.parseInt(trimmed);
            if (!SHORT_NAMES.containsKey(id)) {
                throw new IllegalArgumentException("NESO region ids are 1 to 18, got " + trimmed);
            }
            return Optional.of(Integer.toString(id));
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        return Optional.of(SHORT_NAMES.entrySet().stream().filter(e -> e.getValue().toLowerCase(Locale.ROOT).equals(lower))
                .map(e -> Integer.toString(e.getKey())).findFirst().orElse(trimmed));
    }

    /** How a region reads in a factor source: "region 13 London", "national", or the imported name. */
    public static String describe(String key) {
        if (key.chars().allMatch(Character::isDigit) && !key.isEmpty()) {
            int id = Integer.parseInt(key);
            return "region " + id + " " + SHORT_NAMES.getOrDefault(id, "");
        }
        return key;
    }
}
