# Sign Windows files with signtool: the signing hook of the Windows workflow.
#
#   installer/windows/sign.ps1 FILE [FILE ...]
#
# The certificate comes from the environment (in the workflow: repository secrets):
#   SIGNING_CERT_PFX_BASE64   the code-signing certificate with its private key (.pfx), base64
#   SIGNING_CERT_PASSWORD     its password
#   SIGNING_TIMESTAMP_URL     optional RFC 3161 timestamp server (default: DigiCert's)
# Without a certificate it signs nothing, prints a warning that the files are UNSIGNED and
# exits 0, so forks and pull requests still build. A clinic's own certificate (or an HSM /
# cloud signing service) plugs in here: replace the signtool line, keep the interface.
param([Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)][string[]] $Files)
$ErrorActionPreference = "Stop"

if (-not $env:SIGNING_CERT_PFX_BASE64) {
    Write-Output "::warning::Code signing SKIPPED: no certificate (secret WINDOWS_SIGNING_CERT_PFX_BASE64 is empty). These files are UNSIGNED: $($Files -join ', ')"
    exit 0
}
$timestamp = if ($env:SIGNING_TIMESTAMP_URL) { $env:SIGNING_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
$signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
    Sort-Object FullName -Descending | Select-Object -First 1
if (-not $signtool) { throw "signtool.exe not found (Windows 10 SDK)" }
$pfx = Join-Path $env:RUNNER_TEMP "rlsdesk-signing.pfx"
[IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:SIGNING_CERT_PFX_BASE64))
try {
    foreach ($file in $Files) {
        & $signtool.FullName sign /f $pfx /p $env:SIGNING_CERT_PASSWORD /fd SHA256 /tr $timestamp /td SHA256 /d "rlsdesk" $file
        if ($LASTEXITCODE -ne 0) { throw "signtool failed on $file" }
        & $signtool.FullName verify /pa $file
        if ($LASTEXITCODE -ne 0) { throw "the signature of $file does not verify" }
        Write-Output "signed $file"
    }
} finally {
    Remove-Item $pfx -Force -ErrorAction SilentlyContinue
}
