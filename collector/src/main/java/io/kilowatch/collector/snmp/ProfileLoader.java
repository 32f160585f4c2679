package io.kilowatch.collector.snmp;

import io.kilowatch.core.snmp.ProfileException;
import io.kilowatch.core.snmp.ProfileParser;
import io.kilowatch.core.snmp.ProfileSet;
import io.kilowatch.core.snmp.SnmpProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The shipped profiles (resources {@code snmp-profiles/}, listed in its {@code index}) and the user's
 * ({@code *.yaml} in {@code snmp.profiles_dir}), read at start: a user adds or replaces a profile without rebuilding.
 * A user profile that cannot be used is left out with its error, so one bad file stops only the targets
 * that name it, never the polling of everything else.
 */
public final class ProfileLoader {
    private static final String RESOURCES = "snmp-profiles/";

    private ProfileLoader() {
    }

    /** @param errors each user profile left out, with why (file and field) */
    public record Loaded(ProfileSet profiles, List<String> errors) {
    }

    public static Loaded load(Optional<Path> userDir) {
        List<SnmpProfile> shipped = shipped();
        List<String> errors = new ArrayList<>();
        List<SnmpProfile> user = userDir.map(dir -> user(dir, errors)).orElse(List.of());
        try {
            return new Loaded(new ProfileSet(shipped, user), errors);
        } catch (ProfileException e) {
            errors.add(e.getMessage() + " (all user profiles left out)");
            return new Loaded(new ProfileSet(shipped, List.of()), errors);
        }
    }

    static List<SnmpProfile> shipped() {
        List<SnmpProfile> out = new ArrayList<>();
        for (String file : resource("index").lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
            out.add(ProfileParser.parse(resource(file), "built-in profile " + file));
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = ProfileLoader.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + RESOURCES + name, e);
        }
    }

    static List<SnmpProfile> user(Path dir, List<String> errors) {
        if (!Files.isDirectory(dir)) {
            throw new io.kilowatch.core.config.ConfigException("snmp.profiles_dir " + dir + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<SnmpProfile> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml")).sorted().toList()) {
                try {
                    out.add(ProfileParser.parse(Files.readString(f), f.toString()));
                } catch (ProfileException e) {
                    errors.add(e.getMessage());
                }
            }
            return out;
        } catch (IOException e) {
            throw new io.kilowatch.core.config.ConfigException("snmp.profiles_dir " + dir + ": cannot read: " + e.getMessage());
        }
    }
}
