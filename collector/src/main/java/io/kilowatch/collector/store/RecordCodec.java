package io.kilowatch.collector.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Lists of records as bytes and back, for the ingest journal: records whose components are numbers, booleans, text,
 * instants, lists and records of these, any of them null where the type allows. It follows the records' components, so a
 * component added to a journaled record is kept without code of its own here, and a journal is read only by a build of
 * the same {@link #shape} (the journal is emptied at every clean stop; a crash's is applied at the next start, see
 * {@link UnappliedReports}; {@link IngestJournal#FORMAT} refuses another's).
 */
final class RecordCodec {
    /** How one type's values are written and read: worked out once per record class, as a tree of these. */
    private interface Codec {
        void write(DataOutputStream out, Object value) throws IOException;

        Object read(DataInputStream in) throws IOException;
    }

    private static final ClassValue<Codec> RECORDS = new ClassValue<>() {
        @Override
        protected Codec computeValue(Class<?> type) {
            return recordCodec(type);
        }
    };

    private RecordCodec() {
    }

    static <T extends Record> byte[] encode(Class<T> type, List<T> records) {
        Codec codec = RECORDS.get(type);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512 * records.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(records.size());
            for (T r : records) {
                codec.write(out, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array's stream does not fail
        }
        return bytes.toByteArray();
    }

    static <T extends Record> List<T> decode(Class<T> type, byte[] encoded) {
        Codec codec = RECORDS.get(type);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int n = in.readInt();
            List<T> records = new ArrayList<>(Math.min(n, encoded.length));
            for (int i = 0; i < n; i++) {
                records.add(type.cast(codec.read(in)));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " bytes left over after " + n + " " + type.getSimpleName() + "(s)");
            }
            return records;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a journal of " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a record's bytes are made of, as text: its components' names and types, and theirs. Builds whose records have
     * the same shape read each other's bytes; any other change to a component changes it.
     */
    static String shape(Class<? extends Record> type) {
        return shape(type, new HashSet<>());
    }

    private static String shape(Type type, Set<Class<?>> enclosing) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == List.class) {
            return "List<" + shape(((ParameterizedType) type).getActualTypeArguments()[0], enclosing) + ">";
        }
        if (!raw.isRecord() || !enclosing.add(raw)) {
            return raw.getName(); // a record held within itself is named, its shape given once
        }
        String components = Arrays.stream(raw.getRecordComponents())
                .map(c -> c.getName() + ":" + shape(c.getGenericType(), enclosing)).collect(Collectors.joining(","));
        enclosing.remove(raw);
        return raw.getName() + "(" + components + ")";
    }

    private static Codec recordCodec(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException("cannot journal a " + type.getName());
        }
        RecordComponent[] components = type.getRecordComponents();
        Codec[] codecs = new Codec[components.length];
        MethodHandle[] accessors = new MethodHandle[components.length];
        Class<?>[] raw = new Class<?>[components.length];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle constructor;
        try {
            for (int i = 0; i < components.length; i++) {
                codecs[i] = codecFor(components[i].getGenericType());
                raw[i] = components[i].getType();
                accessors[i] = lookup.unreflect(components[i].getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
            }
            constructor = lookup.findConstructor(type, MethodType.methodType(void.class, raw))
                    .asSpreader(Object[].class, components.length).asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot journal " + type.getName() + ": " + e.getMessage(), e);
        }
        return new Codec() {
            @Override
            public void write(DataOutputStream out, Object value) throws IOException {
                for (int i = 0; i < codecs.length; i++) {
                    Object component;
                    try {
                        component = (Object) accessors[i].invokeExact(value);
                    } catch (Throwable e) {
                        throw new IllegalStateException("reading " + type.getSimpleName() + "." + components[i].getName() + " failed", e);
                    }
                    codecs[i].write(out, component);
                }
            }

            @Override
            public Object read(DataInputStream in) throws IOException {
                Object[] args = new Object[codecs.length];
                for (int i = 0; i < args.length; i++) {
                    args[i] = codecs[i].read(in);
                }
                try {
                    return (Object) constructor.invokeExact(args);
                } catch (Throwable e) {
                    throw new IllegalArgumentException("cannot make a " + type.getSimpleName() + " of the journal's values: " + e.getMessage(), e);
                }
            }
        };
    }

    private static Codec codecFor(Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        Codec value = VALUES.get(raw);
        if (value != null) {
            return value;
        } else if (raw == List.class) {
            return nullable(listOf(codecFor(((ParameterizedType) type).getActualTypeArguments()[0])));
        } else if (raw.isRecord()) {
            // looked up when used: a record may hold its own kind
            return nullable(codec((out, v) -> RECORDS.get(raw).write(out, v), in -> RECORDS.get(raw).read(in)));
        }
        throw new IllegalArgumentException("cannot journal a " + raw.getName());
    }

    private interface Write {
        void write(DataOutputStream out, Object value) throws IOException;
    }

    private interface Read {
        Object read(DataInputStream in) throws IOException;
    }

    private static Codec codec(Write write, Read read) {
        return new Codec() {
            @Override
            public void write(DataOutputStream out, Object value) throws IOException {
                write.write(out, value);
            }

            @Override
            public Object read(DataInputStream in) throws IOException {
                return read.read(in);
            }
        };
    }

    private static final Codec LONG = codec((out, v) -> out.writeLong((Long) v), DataInputStream::readLong);
    private static final Codec INT = codec((out, v) -> out.writeInt((Integer) v), DataInputStream::readInt);
    private static final Codec DOUBLE = codec((out, v) -> out.writeDouble((Double) v), DataInputStream::readDouble);
    private static final Codec BOOLEAN = codec((out, v) -> out.writeBoolean((Boolean) v), DataInputStream::readBoolean);
    private static final Codec STRING = codec((out, v) -> {
        byte[] utf8 = ((String) v).getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }, in -> {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    });
    private static final Codec INSTANT = codec((out, v) -> {
        out.writeLong(((Instant) v).getEpochSecond());
        out.writeInt(((Instant) v).getNano());
    }, in -> Instant.ofEpochSecond(in.readLong(), in.readInt()));
    /** The codec of each value type; a boxed one may be null. */
    private static final Map<Class<?>, Codec> VALUES = Map.of(long.class, LONG, int.class, INT, double.class, DOUBLE,
            boolean.class, BOOLEAN, Long.class, nullable(LONG), Integer.class, nullable(INT), Double.class, nullable(DOUBLE),
            Boolean.class, nullable(BOOLEAN), String.class, nullable(STRING), Instant.class, nullable(INSTANT));

    private static Codec listOf(Codec element) {
        return codec((out, v) -> {
            List<?> list = (List<?>) v;
            out.writeInt(list.size());
            for (Object e : list) {
                element.write(out, e);
            }
        }, in -> {
            int n = in.readInt();
            List<Object> list = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                list.add(element.read(in));
            }
            return Collections.unmodifiableList(list);
        });
    }

    /** A presence byte before the value: any non-primitive may be null. */
    private static Codec nullable(Codec present) {
        return codec((out, v) -> {
            out.writeBoolean(v != null);
            if (v != null) {
                present.write(out, v);
            }
        }, in -> in.readBoolean() ? present.read(in) : null);
    }
}
