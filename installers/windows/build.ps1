# Build the Windows installer: dist\TokenTCO\ (PyInstaller one-folder build), its
# self-test, then dist\TokenTCO-<version>-windows-x64-setup.exe (Inno Setup 6).
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1 [-NoTest] [-Iscc C:\path\ISCC.exe]
# Needs: Python 3.11+ with  pip install -e ".[installers]"  and Inno Setup 6
# (winget install JRSoftware.InnoSetup).
param([switch]$NoTest, [string]$Iscc = "")
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

$version = (& python -c "import tokentco; print(tokentco.__version__)").Trim()
if ($LASTEXITCODE) { throw "tokentco is not installed: pip install -e "".[installers]""" }

$watch = [Diagnostics.Stopwatch]::StartNew()
& python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller installers\tokentco.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }
Write-Host "built dist\TokenTCO in $([int]$watch.Elapsed.TotalSeconds) s"

if (-not $NoTest) {
    # A windowed exe has no console: the self-test writes its lines to %TEMP%\tokentco-self-test.log.
    $env:QT_QPA_PLATFORM = "offscreen"
    $proc = Start-Process -FilePath "dist\TokenTCO\TokenTCO.exe" -ArgumentList "--self-test" -Wait -PassThru -NoNewWindow
    Remove-Item Env:QT_QPA_PLATFORM
    Get-Content (Join-Path $env:TEMP "tokentco-self-test.log")
    if ($proc.ExitCode -ne 0) { throw "self-test of the bundle failed" }
}

if (-not $Iscc) {
    $candidates = @(
        (Get-Command iscc.exe -ErrorAction SilentlyContinue | Select-Object -ExpandProperty Source),
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { $_ -and (Test-Path $_) }
    if (-not $candidates) { throw "Inno Setup 6 not found: install it or pass -Iscc" }
    $Iscc = @($candidates)[0]
}
& $Iscc "/DAppVersion=$version" "installers\windows\tokentco.iss"
if ($LASTEXITCODE) { throw "Inno Setup failed" }
Write-Host "dist\TokenTCO-$version-windows-x64-setup.exe"
