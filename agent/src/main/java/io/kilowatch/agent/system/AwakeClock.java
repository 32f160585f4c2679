package io.kilowatch.agent.system;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.LongByReference;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A clock that stops while the machine sleeps, in nanoseconds, for telling sleep apart from time awake.
 * Linux (CLOCK_MONOTONIC) and macOS (mach_absolute_time) give one behind {@code System.nanoTime()}; on
 * Windows that is QueryPerformanceCounter, so kernel32's QueryUnbiasedInterruptTime is read instead,
 * which "does not include time the system spends in sleep or hibernation" (Microsoft's documentation).
 */
public final class AwakeClock {
    private AwakeClock() {
    }

    /** kernel32, mapped for the one call; JNA comes with OSHI. */
    private interface Kernel32Unbiased extends Library {
        boolean QueryUnbiasedInterruptTime(LongByReference unbiasedTime);
    }

    public static LongSupplier forThisMachine() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
            return System::nanoTime;
        }
        Kernel32Unbiased kernel32 = Native.load("kernel32", Kernel32Unbiased.class);
        return () -> {
            LongByReference hundredsOfNanos = new LongByReference();
            // cannot fail with a valid pointer; 100 ns units
            kernel32.QueryUnbiasedInterruptTime(hundredsOfNanos);
            return hundredsOfNanos.getValue() * 100;
        };
    }
}
