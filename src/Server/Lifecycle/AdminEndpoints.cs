using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Security;

namespace TextClassification.Server.Lifecycle;

internal static class AdminEndpoints
{
    public const string ReloadTrigger = "POST /admin/reload";

    /// <summary>
    /// <c>POST /admin/reload</c>, only when an admin key is configured (<c>Auth:AdminKeys</c>); otherwise the path does not
    /// exist (404), so a server without admin keys has no admin surface at all.
    /// </summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<ApiKeyOptions>>().Value.AdminKeys.Count == 0)
        {
            return endpoints;
        }
        endpoints.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin).DisableRateLimiting()
            .MapPost("/reload", ReloadAsync)
            .WithName("Reload")
            .WithSummary("Load the bundle at Model:Path beside the model in service and swap it in; a bad bundle is refused and the old model keeps serving")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return endpoints;
    }

    public static async Task<Results<Ok<ReloadAttempt>, Rejection>> ReloadAsync(IModelReloader reloader, CancellationToken cancellationToken)
    {
        var attempt = await reloader.ReloadAsync(ReloadTrigger, cancellationToken);
        return attempt.Status == ReloadAttempt.SucceededStatus
            ? TypedResults.Ok(attempt)
            : Problems.ReloadRefused($"The bundle {attempt.Bundle} was refused and the model in service keeps serving: {attempt.Error}");
    }
}
