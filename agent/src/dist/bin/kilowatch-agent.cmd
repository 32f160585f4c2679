@echo off
rem Starts the agent on the Java runtime shipped beside it, so the machine needs no Java of its own.
rem The JVM flags are in lib\jvm.options (docs\agent-install.md).
setlocal
set "KW_HOME=%~dp0.."
"%KW_HOME%\runtime\bin\java.exe" "@%KW_HOME%\lib\jvm.options" -jar "%KW_HOME%\lib\kilowatch-agent.jar" %*
exit /b %ERRORLEVEL%
