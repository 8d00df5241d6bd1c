using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// The real server (<c>dotnet Server.dll</c>, Kestrel, TLS) as a child process on 127.0.0.1 with port 0, serving
/// <see cref="TinyBundle"/>, with its own certificate directory. Started and stopped by the test that owns it.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder errors = new();
    private readonly Lock gate = new();
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Uri> addresses = [];

    private ServerProcess(Process process, string certificateDirectory)
    {
        this.process = process;
        CertificateDirectory = certificateDirectory;
    }

    public string CertificateDirectory { get; }

    public int Id => process.Id;

    public string CertificatePath => Path.Combine(CertificateDirectory, "cert.pem");

    public Uri HttpsUri => Address("https");

    public Uri HttpUri => Address("http");

    public string Output
    {
        get
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (gate)
            {
                return errors.ToString();
            }
        }
    }

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "Server.dll");

    /// <summary>Starts the server and waits until it listens on every URL in <paramref name="urls"/>.</summary>
    public static Task<ServerProcess> StartAsync(string certificateDirectory, string urls = "https://127.0.0.1:0", params string[] extraArguments) =>
        StartAsync(certificateDirectory, urls, urlsFromEnvironment: false, extraArguments);

    /// <summary>Starts the server with ASPNETCORE_URLS set rather than --urls.</summary>
    public static Task<ServerProcess> StartWithUrlsVariableAsync(string certificateDirectory, string urls) =>
        StartAsync(certificateDirectory, urls, urlsFromEnvironment: true, []);

    private static async Task<ServerProcess> StartAsync(string certificateDirectory, string urls, bool urlsFromEnvironment, string[] extraArguments)
    {
        int expected = urls.Split(';').Length;
        string[] arguments = [$"--Model:Path={TinyBundle.Path}", $"--Tls:CertificateDirectory={certificateDirectory}", .. extraArguments];
        var process = Launch(urlsFromEnvironment ? arguments : ["--urls", urls, .. arguments]);
        if (urlsFromEnvironment)
        {
            process.StartInfo.Environment["ASPNETCORE_URLS"] = urls;
        }
        var server = new ServerProcess(process, certificateDirectory);
        process.OutputDataReceived += (_, e) => server.OnOutput(e.Data, expected);
        process.ErrorDataReceived += (_, e) => server.OnError(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        // "Application started" comes once the model is loaded and warmed up (or has failed): the host's start waits for it.
        var ready = Task.WhenAll(server.listening.Task, server.started.Task);
        var first = await Task.WhenAny(ready, exited, Task.Delay(StartTimeout));
        if (first != ready)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"the server did not start (listening: {server.listening.Task.IsCompleted}, exited: {process.HasExited})\nstdout:\n{server.Output}\nstderr:\n{server.Errors}");
        }
        return server;
    }

    /// <summary>Runs the server (or its --healthcheck probe) to completion.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunToExitAsync(TimeSpan timeout, params string[] arguments)
    {
        using var process = Launch(arguments);
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`dotnet Server.dll {string.Join(' ', arguments)}` did not exit within {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A handler that trusts exactly the certificate the server wrote to its certificate directory, and nothing else.</summary>
    public SocketsHttpHandler TrustingOnlyItsCertificate()
    {
        var expected = X509CertificateLoader.LoadCertificateFromFile(CertificatePath);
        return new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => Matches(presented, expected) } };
    }

    public bool PresentedCertificateMatchesFile(X509Certificate? presented)
    {
        using var expected = X509CertificateLoader.LoadCertificateFromFile(CertificatePath);
        return Matches(presented, expected);
    }

    /// <summary>Sends a signal (TERM, INT, HUP) to the server process, as an orchestrator or a terminal would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {process.Id} failed with exit code {kill.ExitCode}");
        }
    }

    /// <summary>The exit code once the process has exited; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the server did not exit within {timeout}\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private static bool Matches(X509Certificate? presented, X509Certificate2 expected) =>
        presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(expected.RawData);

    private static Process Launch(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(ServerDll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The child must not inherit settings meant for the test host.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        return new Process { StartInfo = start, EnableRaisingEvents = true };
    }

    private Uri Address(string scheme)
    {
        lock (gate)
        {
            return addresses.FirstOrDefault(uri => uri.Scheme == scheme) ?? throw new InvalidOperationException($"the server does not listen on {scheme}");
        }
    }

    private void OnOutput(string? line, int expected)
    {
        if (line is null)
        {
            return;
        }
        lock (gate)
        {
            output.AppendLine(line);
            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                addresses.Add(new Uri(match.Groups[1].Value));
                if (addresses.Count == expected)
                {
                    listening.TrySetResult();
                }
            }
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (gate)
        {
            errors.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Now listening on: ([^\s""]+)")] // a URL, also inside a JSON console line
    private static partial Regex ListeningLine();
}
