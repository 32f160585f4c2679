package io.kilowatch.agent.service;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.W32Service;
import com.sun.jna.platform.win32.W32ServiceManager;
import com.sun.jna.platform.win32.Win32Exception;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Winsvc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The Win32 service calls through JNA, kept thin: every decision is in {@link WindowsInstallation} and
 * {@link ServiceCommand}, tested on any OS. This class runs only on Windows (docs/agent-install.md says
 * what was run there).
 */
final class WindowsService {
    private static final int STOP_WAIT_HINT_MILLIS = 30_000;

    private WindowsService() {
    }

    static void install(WindowsInstallation plan, ServiceCommand.InstallOptions options) throws IOException, InterruptedException {
        plan.validate(options);
        Files.createDirectories(Path.of(plan.stateDir()));
        Process icacls = new ProcessBuilder(plan.aclCommand()).inheritIO().start();
        if (icacls.waitFor() != 0) {
            throw new IOException("icacls could not restrict " + plan.stateDir() + " (exit " + icacls.exitValue() + ")");
        }
        Files.copy(options.enrolmentTokenFile(), Path.of(plan.tokenFile()), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(Path.of(plan.configFile()), plan.config(options, plan.tokenFile()));
        try (W32ServiceManager scm = new W32ServiceManager(Winsvc.SC_MANAGER_ALL_ACCESS)) {
            Winsvc.SC_HANDLE created = Advapi32.INSTANCE.CreateService(scm.getHandle(), WindowsInstallation.SERVICE_NAME,
                    WindowsInstallation.DISPLAY_NAME, Winsvc.SERVICE_ALL_ACCESS, WinNT.SERVICE_WIN32_OWN_PROCESS, WinNT.SERVICE_AUTO_START,
                    WinNT.SERVICE_ERROR_NORMAL, plan.serviceCommandLine(), null, null, null, null, null);
            if (created == null) {
                int error = Kernel32.INSTANCE.GetLastError();
                if (error != WinError.ERROR_SERVICE_EXISTS) {
                    throw new Win32Exception(error);
                }
                System.out.println("kilowatch-agent: service already installed; its config and token were updated");
            } else {
                try (W32Service service = new W32Service(created)) {
                    Winsvc.SERVICE_DESCRIPTION description = new Winsvc.SERVICE_DESCRIPTION();
                    description.lpDescription = WindowsInstallation.DESCRIPTION;
                    Advapi32.INSTANCE.ChangeServiceConfig2(created, Winsvc.SERVICE_CONFIG_DESCRIPTION, description);
                    // A crash or an out-of-memory exit is restarted after 10 s, as systemd's Restart=on-failure does.
                    Winsvc.SC_ACTION restart = new Winsvc.SC_ACTION();
                    restart.type = Winsvc.SC_ACTION_RESTART;
                    restart.delay = 10_000;
                    service.setFailureActions(List.of(restart, restart, restart), 86_400, null, null);
                }
            }
            startOrStop(scm, true);
        }
    }

    static void uninstall() {
        try (W32ServiceManager scm = new W32ServiceManager(Winsvc.SC_MANAGER_ALL_ACCESS);
             W32Service service = scm.openService(WindowsInstallation.SERVICE_NAME, Winsvc.SERVICE_ALL_ACCESS)) {
            if (service.queryStatus().dwCurrentState != Winsvc.SERVICE_STOPPED) {
                service.stopService();
            }
            if (!Advapi32.INSTANCE.DeleteService(service.getHandle())) {
                throw new Win32Exception(Kernel32.INSTANCE.GetLastError());
            }
        }
    }

    static void control(boolean start) {
        try (W32ServiceManager scm = new W32ServiceManager(Winsvc.SC_MANAGER_ALL_ACCESS)) {
            startOrStop(scm, start);
        }
    }

    private static void startOrStop(W32ServiceManager scm, boolean start) {
        try (W32Service service = scm.openService(WindowsInstallation.SERVICE_NAME, Winsvc.SERVICE_ALL_ACCESS)) {
            if (start) {
                service.startService();
            } else {
                service.stopService();
            }
        }
    }

    /**
     * Runs as the service the control manager started: reports running once the agent has started, and
     * on stop or shutdown closes the agent (its state saved, the backlog flushed) before reporting stopped.
     */
    static void run(Supplier<Runnable> starter) {
        Winsvc.SERVICE_TABLE_ENTRY entry = new Winsvc.SERVICE_TABLE_ENTRY();
        entry.lpServiceName = WindowsInstallation.SERVICE_NAME;
        entry.lpServiceProc = new ServiceMain(starter);
        Winsvc.SERVICE_TABLE_ENTRY[] table = (Winsvc.SERVICE_TABLE_ENTRY[]) entry.toArray(2);
        if (!Advapi32.INSTANCE.StartServiceCtrlDispatcher(table)) {
            throw new Win32Exception(Kernel32.INSTANCE.GetLastError());
        }
    }

    /** The agent's own exit code when it could not start (a bad config, an unreadable state directory). */
    static final int START_FAILED = 2;

    /**
     * The status reported to the control manager. A non-zero {@code serviceExitCode} is reported as a
     * service-specific error, so {@code sc query} shows it and the failure actions (restart) apply.
     */
    static Winsvc.SERVICE_STATUS status(int state, int accepted, int waitHintMillis, int serviceExitCode) {
        Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
        status.dwServiceType = WinNT.SERVICE_WIN32_OWN_PROCESS;
        status.dwCurrentState = state;
        status.dwControlsAccepted = accepted;
        status.dwWaitHint = waitHintMillis;
        if (serviceExitCode != 0) {
            status.dwWin32ExitCode = WinError.ERROR_SERVICE_SPECIFIC_ERROR;
            status.dwServiceSpecificExitCode = serviceExitCode;
        }
        return status;
    }

    private static final class ServiceMain implements Winsvc.SERVICE_MAIN_FUNCTION, Winsvc.HandlerEx {
        private final Supplier<Runnable> starter;
        private final CountDownLatch stopRequested = new CountDownLatch(1);
        private Winsvc.SERVICE_STATUS_HANDLE handle;

        ServiceMain(Supplier<Runnable> starter) {
            this.starter = starter;
        }

        @Override
        public void callback(int argc, Pointer argv) {
            handle = Advapi32.INSTANCE.RegisterServiceCtrlHandlerEx(WindowsInstallation.SERVICE_NAME, this, null);
            report(Winsvc.SERVICE_START_PENDING, 0, 0);
            Runnable stop;
            try {
                stop = starter.get();
            } catch (RuntimeException e) {
                System.err.println("kilowatch-agent: " + e.getMessage());
                // A failure, not a clean stop: the control manager then runs the recovery actions set at install.
                Advapi32.INSTANCE.SetServiceStatus(handle, status(Winsvc.SERVICE_STOPPED, 0, 0, START_FAILED));
                return;
            }
            report(Winsvc.SERVICE_RUNNING, Winsvc.SERVICE_ACCEPT_STOP | Winsvc.SERVICE_ACCEPT_SHUTDOWN, 0);
            try {
                stopRequested.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.run();
            report(Winsvc.SERVICE_STOPPED, 0, 0);
        }

        @Override
        public int callback(int control, int eventType, Pointer eventData, Pointer context) {
            if (control == Winsvc.SERVICE_CONTROL_STOP || control == Winsvc.SERVICE_CONTROL_SHUTDOWN) {
                report(Winsvc.SERVICE_STOP_PENDING, 0, STOP_WAIT_HINT_MILLIS);
                stopRequested.countDown();
            }
            return WinError.NO_ERROR;
        }

        private void report(int state, int accepted, int waitHintMillis) {
            Advapi32.INSTANCE.SetServiceStatus(handle, status(state, accepted, waitHintMillis, 0));
        }
    }
}
