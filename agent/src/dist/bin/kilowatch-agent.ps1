# Starts the agent on the Java runtime shipped beside it, so the machine needs no Java of its own.
# The JVM flags are in lib\jvm.options (docs\agent-install.md).
$kwHome = Split-Path -Parent $PSScriptRoot
& (Join-Path $kwHome 'runtime\bin\java.exe') "@$(Join-Path $kwHome 'lib\jvm.options')" -jar (Join-Path $kwHome 'lib\kilowatch-agent.jar') @args
exit $LASTEXITCODE
