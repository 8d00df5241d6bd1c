using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TextClassification.Server.Security;

namespace TextClassification.Server.OpenApi;

/// <summary>
/// With API keys on, the document declares the bearer scheme (so the Swagger UI shows Authorize, and try-it-out then
/// sends the key) and each operation that needs a key says so, with its 401 and 403 answers; with rate limits on, each
/// limited operation lists its 429. While they are off nothing is added: the document describes the server as it runs.
/// </summary>
internal sealed class AccessControlFilter(IOptions<ApiKeyOptions> keys, IOptions<RateLimitOptions> limits) : IDocumentFilter, IOperationFilter
{
    public const string SchemeName = "apiKey";

    private const string ProblemContentType = "application/problem+json";

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(swaggerDoc);
        if (!keys.Value.Enabled)
        {
            return;
        }
        swaggerDoc.Components ??= new OpenApiComponents();
        swaggerDoc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        swaggerDoc.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key from Auth:ApiKeys or Auth:ApiKeysFile (Auth:AdminKeys for admin endpoints), sent as Authorization: Bearer <key>.",
        };
    }

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (keys.Value.Enabled && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
            Add(operation, context, "401", "No API key, or one that is not accepted (WWW-Authenticate: Bearer, with error=\"invalid_token\" for a key that is not).");
            Add(operation, context, "403", "A valid API key without this endpoint's role (an inference key on an admin endpoint).");
        }
        if (limits.Value.Enabled && !metadata.OfType<DisableRateLimitingAttribute>().Any())
        {
            Add(operation, context, "429", $"This client's rate limit is spent ({RateLimitOptions.PermitsPerSecondKey}, {RateLimitOptions.BurstKey}; "
                + "one permit per text): retry after Retry-After seconds.");
        }
    }

    private static void Add(OpenApiOperation operation, OperationFilterContext context, string status, string description)
    {
        operation.Responses ??= [];
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [ProblemContentType] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
            },
        };
    }
}
