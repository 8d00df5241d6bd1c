namespace TextClassification.Server.Errors;

internal static class ProblemDetailsSetup
{
    /// <summary>
    /// Problem details for every error response: the endpoints' own, the status-code pages (404, 405) and the
    /// exception handler (500, never with exception details). Fills in a detail where the framework leaves none, and
    /// adds the request's <c>requestId</c> (its X-Request-Id) next to the framework's <c>traceId</c>.
    /// </summary>
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = Customize);

    private static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        problem.Extensions[Observability.RequestId.ProblemProperty] = http.TraceIdentifier;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status404NotFound => "There is no resource at this path; GET / lists the endpoints.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}; allowed: {http.Response.Headers.Allow}.",
            StatusCodes.Status500InternalServerError => "The server failed to process the request; the error is logged under this response's traceId.",
            _ => null,
        };
        // Open Inference (V2) clients read an error's message from "error": problem answers under /v2 that no V2 endpoint
        // wrote (an unknown path, a wrong method, an unhandled error) carry it too.
        if (http.Request.Path.StartsWithSegments(OpenInference.OpenInferenceEndpoints.Prefix, StringComparison.Ordinal))
        {
            problem.Extensions["error"] = problem.Detail ?? problem.Title;
        }
    }
}
