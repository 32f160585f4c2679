package io.kilowatch.agent.snmp;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.snmp4j.agent.DefaultMOScope;
import org.snmp4j.agent.MOScope;
import org.snmp4j.agent.mo.GenericManagedObject;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/**
 * One read-only MIB subtree served from an immutable map of instances, swapped whole when new readings
 * arrive, so a walk never mixes two readings and a request never waits on a sensor. Values that must
 * be live (uptimes) are suppliers; everything else is a constant from the last report.
 */
final class OidTree implements GenericManagedObject {
    private final OID root;
    private final DefaultMOScope scope;
    private volatile NavigableMap<OID, Supplier<Variable>> instances = Collections.emptyNavigableMap();

    OidTree(OID root) {
        this.root = new OID(root);
        this.scope = new DefaultMOScope(this.root, true, this.root.nextPeer(), false);
    }

    static Supplier<Variable> constant(Variable value) {
        return () -> (Variable) value.clone();
    }

    /** Replaces every instance at once; each key must lie below the root. */
    void replace(Map<OID, Supplier<Variable>> next) {
        TreeMap<OID, Supplier<Variable>> copy = new TreeMap<>();
        next.forEach((oid, value) -> {
            if (!oid.startsWith(root) || oid.size() <= root.size()) {
                throw new IllegalArgumentException(oid + " is not below " + root);
            }
            copy.put(new OID(oid), value);
        });
        instances = Collections.unmodifiableNavigableMap(copy);
    }

    @Override
    public MOScope getScope() {
        return scope;
    }

    @Override
    public OID find(MOScope range) {
        return first(instances, range, oid -> true);
    }

    @Override
    public void get(SubRequest<?> request) {
        Supplier<Variable> value = instances.get(request.getVariableBinding().getOid());
        request.getVariableBinding().setVariable(value == null ? Null.noSuchInstance : value.get());
        request.completed();
    }

    @Override
    public boolean next(SubRequest<?> request) {
        return next(request, oid -> true);
    }

    @Override
    public boolean next(SubRequest<?> request, Function<OID, Boolean> filter) {
        NavigableMap<OID, Supplier<Variable>> now = instances;
        OID found = first(now, request.getScope(), filter);
        if (found == null) {
            return false;
        }
        request.getVariableBinding().setOid(new OID(found));
        request.getVariableBinding().setVariable(now.get(found).get());
        request.completed();
        return true;
    }

    /** The first instance inside the range that the filter (VACM) lets through. */
    private static OID first(NavigableMap<OID, Supplier<Variable>> map, MOScope range, Function<OID, Boolean> filter) {
        OID lower = range.getLowerBound();
        NavigableMap<OID, Supplier<Variable>> tail = lower == null ? map : map.tailMap(lower, range.isLowerIncluded());
        for (OID oid : tail.keySet()) {
            OID upper = range.getUpperBound();
            if (upper != null) {
                int c = oid.compareTo(upper);
                if (c > 0 || c == 0 && !range.isUpperIncluded()) {
                    return null;
                }
            }
            if (filter.apply(oid)) {
                return oid;
            }
        }
        return null;
    }

    @Override
    public void prepare(SubRequest<?> request) {
        request.getStatus().setErrorStatus(SnmpConstants.SNMP_ERROR_NOT_WRITEABLE);
    }

    @Override
    public void commit(SubRequest<?> request) {
        request.getStatus().setErrorStatus(SnmpConstants.SNMP_ERROR_COMMIT_FAILED);
    }

    @Override
    public void undo(SubRequest<?> request) {
        request.getStatus().setErrorStatus(SnmpConstants.SNMP_ERROR_UNDO_FAILED);
    }

    @Override
    public void cleanup(SubRequest<?> request) {
        request.getStatus().setPhaseComplete(true);
    }
}
