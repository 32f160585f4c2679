# Starts the agent on the Java runtime shipped beside it, so the machine needs no Java of its own; where the
# build could not link one (runtime\ missing), on JAVA_HOME's or the PATH's Java.
# The JVM flags are in lib\jvm.options (docs\agent-install.md).
$kwHome = Split-Path -Parent $PSScriptRoot
$java = Join-Path $kwHome 'runtime\bin\java.exe'
if (-not (Test-Path $java)) { $java = if ($env:JAVA_HOME) { Join-Path $env:JAVA_HOME 'bin\java.exe' } else { 'java.exe' } }
& $java "@$(Join-Path $kwHome 'lib\jvm.options')" -jar (Join-Path $kwHome 'lib\kilowatch-agent.jar') @args
exit $LASTEXITCODE
