using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TorchSharp;

namespace TextClassification.Server.Hosting;

/// <summary>
/// Loads the two native stacks the server waits for at start on a pool thread while the host is being built: first
/// OpenSSL with the system's trusted roots (Kestrel reads every root when it builds the server certificate's chain
/// before listening; .NET caches them for the process), then libtorch (the model load's first step). The order
/// matters: libtorch initialises inside dlopen and holds the dynamic loader's lock for a few hundred milliseconds,
/// and any other thread's first call into a native library waits for it. Nothing depends on the preload: whatever
/// fails here is done again, and reported, by the code that needs it.
/// </summary>
internal static class StartupPreload
{
    /// <summary>
    /// How long exiting waits for a thread still inside libtorch (this preload, or a model load at start or stop): long
    /// enough for libtorch to finish initialising, short enough that a load hanging on a file never holds the process.
    /// </summary>
    public static readonly TimeSpan NativeExitGrace = TimeSpan.FromSeconds(10);

    private static Task preload = Task.CompletedTask;

    public static void Start() => preload = Task.Run(static () =>
    {
        LoadTrustedRoots();
        LoadTorch();
    });

    /// <summary>
    /// Waits a little for the preload before the process exits after a failed start: exiting while another thread is
    /// inside libtorch's initialisation runs its static destructors under that thread and corrupts the native heap.
    /// </summary>
    public static void WaitBeforeExit() => preload.Wait(NativeExitGrace);

    private static void LoadTrustedRoots()
    {
        try
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=startup-preload", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.Build(certificate); // untrusted, as expected: reading the roots is the point
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
        catch (CryptographicException)
        {
            // No usable OpenSSL or trust store: Kestrel reports its own error, if any, when it sets up HTTPS.
        }
    }

    private static void LoadTorch()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The model load initialises libtorch again and reports the failure with the bundle's name.
        }
    }
}
