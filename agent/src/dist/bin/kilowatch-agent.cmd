@echo off
rem Starts the agent on the Java runtime shipped beside it, so the machine needs no Java of its own; where the
rem build could not link one (runtime\ missing), on JAVA_HOME's or the PATH's Java.
rem The JVM flags are in lib\jvm.options (docs\agent-install.md).
setlocal
set "KW_HOME=%~dp0.."
set "KW_JAVA=%KW_HOME%\runtime\bin\java.exe"
if not exist "%KW_JAVA%" if defined JAVA_HOME (set "KW_JAVA=%JAVA_HOME%\bin\java.exe") else (set "KW_JAVA=java.exe")
"%KW_JAVA%" "@%KW_HOME%\lib\jvm.options" -jar "%KW_HOME%\lib\kilowatch-agent.jar" %*
exit /b %ERRORLEVEL%
