package io.kilowatch.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Winsvc;
import org.junit.jupiter.api.Test;

/** The status the agent reports to the Windows service control manager; built here, sent only on Windows. */
class WindowsServiceTest {
    @Test
    void aFailedStartIsAnErrorSoRecoveryActionsRun() {
        Winsvc.SERVICE_STATUS failed = WindowsService.status(Winsvc.SERVICE_STOPPED, 0, 0, WindowsService.START_FAILED);
        assertEquals(Winsvc.SERVICE_STOPPED, failed.dwCurrentState);
        assertEquals(WinError.ERROR_SERVICE_SPECIFIC_ERROR, failed.dwWin32ExitCode);
        assertEquals(WindowsService.START_FAILED, failed.dwServiceSpecificExitCode);
    }

    @Test
    void aCleanStopAndRunningReportNoError() {
        Winsvc.SERVICE_STATUS stopped = WindowsService.status(Winsvc.SERVICE_STOPPED, 0, 0, 0);
        assertEquals(WinError.NO_ERROR, stopped.dwWin32ExitCode);
        Winsvc.SERVICE_STATUS running = WindowsService.status(Winsvc.SERVICE_RUNNING,
                Winsvc.SERVICE_ACCEPT_STOP | Winsvc.SERVICE_ACCEPT_SHUTDOWN, 0, 0);
        assertEquals(WinNT.SERVICE_WIN32_OWN_PROCESS, running.dwServiceType);
        assertEquals(Winsvc.SERVICE_ACCEPT_STOP | Winsvc.SERVICE_ACCEPT_SHUTDOWN, running.dwControlsAccepted);
        assertEquals(WinError.NO_ERROR, running.dwWin32ExitCode);
    }
}
