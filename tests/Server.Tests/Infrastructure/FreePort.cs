using System.Net;
using System.Net.Sockets;

namespace TextClassification.Server.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>A loopback port free right now (the OS's choice), for a setting that needs a number before the server starts.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
