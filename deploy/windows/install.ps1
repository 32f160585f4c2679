# Unattended install for Group Policy (startup script), Intune (Win32 app) or Configuration Manager:
# installs the MSI, then registers and starts the Windows service with this estate's parameters.
# Run as SYSTEM or an administrator. docs/agent-install.md (Windows) lists the parameters.
#   powershell -ExecutionPolicy Bypass -File install.ps1 -Msi kilowatch-agent.msi `
#     -Collector https://kilowatch.council.example:8443 -EnrolmentTokenFile \\fs01\deploy$\kilowatch\enrolment-token `
#     -Class desktop -Org "Leeds City Council" -Site "Civic Hall" -Department Revenues
param(
  [Parameter(Mandatory)] [string]$Msi,
  [Parameter(Mandatory)] [string]$Collector,
  [Parameter(Mandatory)] [string]$EnrolmentTokenFile,
  [string]$Class = 'desktop',
  [string]$Org, [string]$Site, [string]$Department,
  [string]$InstallDir = (Join-Path $env:ProgramFiles 'Kilowatch\Agent')
)
$ErrorActionPreference = 'Stop'
$p = Start-Process msiexec.exe -Wait -PassThru -ArgumentList @('/i', "`"$Msi`"", '/qn', '/norestart', '/l*v', "`"$env:TEMP\kilowatch-agent-msi.log`"")
if ($p.ExitCode -notin 0, 3010) { throw "msiexec failed ($($p.ExitCode)); log: $env:TEMP\kilowatch-agent-msi.log" }
$java = Join-Path $InstallDir 'runtime\bin\java.exe'
$jar = Join-Path $InstallDir 'app\kilowatch-agent.jar'
$serviceArgs = @('-jar', $jar, 'service', 'install', '--collector', $Collector, '--enrolment-token-file', $EnrolmentTokenFile, '--class', $Class)
if ($Org) { $serviceArgs += @('--label', "org=$Org") }
if ($Site) { $serviceArgs += @('--label', "site=$Site") }
if ($Department) { $serviceArgs += @('--label', "department=$Department") }
& $java @serviceArgs
if ($LASTEXITCODE -ne 0) { throw "kilowatch-agent service install failed ($LASTEXITCODE)" }
