# Builds kilowatch-agent-<version>.msi on a Windows build host from the self-contained agent that
# `mvn -B package` lays out in agent\target\kilowatch-agent (there, on Windows, with a Windows JDK).
# Needs: a JDK 17+ (jpackage; Temurin 25 as shipped on Linux) and the WiX Toolset on PATH (jpackage's
# requirement for MSIs: WiX 3.x, or 4+ with JDK 24+). docs/agent-install.md (Windows).
#   powershell -ExecutionPolicy Bypass -File deploy\windows\build-msi.ps1 [-Jdk C:\path\to\jdk] [-Version 0.1.0]
param(
  [string]$Jdk = $env:JAVA_HOME,
  [string]$Version = '0.1.0'
)
$ErrorActionPreference = 'Stop'
$repo = Resolve-Path (Join-Path $PSScriptRoot '..\..')
$agent = Join-Path $repo 'agent\target\kilowatch-agent'
if (-not (Test-Path (Join-Path $agent 'runtime\bin\java.exe'))) {
  throw "no runtime in ${agent}: build first, on Windows, with a JDK that has jlink and jmods (mvn -B package -DskipTests -Dagent.runtime.jdk=$Jdk)"
}
$out = Join-Path $repo 'agent\target\msi'
New-Item -ItemType Directory -Force $out | Out-Null
# The JVM flags are the shipped ones, read from lib\jvm.options as every launcher does.
$javaOptions = Get-Content (Join-Path $agent 'lib\jvm.options') | Where-Object { $_ -and -not $_.StartsWith('#') }
$args = @('--type', 'msi', '--name', 'Kilowatch Agent', '--app-version', $Version, '--vendor', 'Kilowatch',
  '--description', 'Reports this machine''s power, energy, carbon and availability to a Kilowatch collector.',
  '--input', (Join-Path $agent 'lib'), '--main-jar', 'kilowatch-agent.jar',
  '--runtime-image', (Join-Path $agent 'runtime'), '--install-dir', 'Kilowatch\Agent',
  '--win-per-user-install:false', '--win-upgrade-uuid', '6f1f6f9e-3b0c-4a5e-9d0a-6b1f4c2b7a11',
  '--dest', $out)
foreach ($o in $javaOptions) { $args += @('--java-options', $o) }
& (Join-Path $Jdk 'bin\jpackage.exe') @args
if ($LASTEXITCODE -ne 0) { throw "jpackage failed ($LASTEXITCODE)" }
# jpackage lays out <install>\app (the jar and jvm.options) and <install>\runtime; `service install`
# points the service at both (WindowsInstallation), as install.ps1 does.
Get-ChildItem $out -Filter *.msi | ForEach-Object { $_.FullName }
