using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace TextClassification.Server.OpenApi;

internal static class ApiDocs
{
    public const string UiPath = "/swagger";
    public const string DocumentPath = "/swagger/v1/swagger.json";

    public static IServiceCollection AddApiDocs(this IServiceCollection services)
    {
        services.AddOptions<ApiDocsOptions>().BindConfiguration(ApiDocsOptions.SectionName).ValidateOnStart();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Text classification API",
                Version = "v1",
                Description = "Classifies texts with an EmbeddingBag + Linear model (TorchSharp), explains its answers exactly and gives texts' feature vectors. Errors are RFC 9457 problem details "
                    + "(application/problem+json) with type, title, status and detail.",
            });
            options.OperationFilter<PredictOperationFilter>();
            options.OperationFilter<OpenInferenceOperationFilter>();
            options.OperationFilter<EmbedOperationFilter>();
            options.OperationFilter<AccessControlFilter>();
            options.DocumentFilter<AccessControlFilter>();
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
        });
        return services;
    }

    /// <summary>Swagger UI at /swagger and the document at /swagger/v1/swagger.json, unless Swagger:Enabled is false (then both are 404).</summary>
    public static IApplicationBuilder UseApiDocs(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Read per request rather than now, so that an invalid setting is reported by startup validation, not thrown here.
        var options = app.ApplicationServices.GetRequiredService<IOptions<ApiDocsOptions>>();
        return app.UseWhen(_ => options.Value.Enabled, docs =>
        {
            docs.UseSwagger();
            docs.UseSwaggerUI(ui =>
            {
                ui.DocumentTitle = "Text classification API";
                ui.SwaggerEndpoint(DocumentPath, "v1");
            });
        });
    }
}
