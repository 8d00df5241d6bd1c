namespace TextClassification.Server.OpenApi;

/// <summary>The <c>Swagger</c> settings.</summary>
internal sealed class ApiDocsOptions
{
    public const string SectionName = "Swagger";

    /// <summary>Serve the Swagger UI at /swagger and the OpenAPI document at /swagger/v1/swagger.json.</summary>
    public bool Enabled { get; set; } = true;
}
