using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>The app in memory with every log entry collected (<see cref="Logs"/>); subclasses choose the settings.</summary>
public abstract class LoggedServerFactory : ServerFactory
{
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
    }
}
