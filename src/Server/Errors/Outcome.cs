using System.Diagnostics.CodeAnalysis;

namespace TextClassification.Server.Errors;

/// <summary>A value, or the <see cref="Errors.Rejection"/> that stands in its place. Converts implicitly from either.</summary>
internal readonly record struct Outcome<T>
    where T : notnull
{
    private readonly T? value;

    private Outcome(T? value, Rejection? rejection)
    {
        this.value = value;
        Rejection = rejection;
    }

    public Rejection? Rejection { get; }

    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsAccepted => Rejection is null;

    /// <summary>The value of an accepted outcome; reading it from a rejected one is a bug.</summary>
    public T Value => Rejection is null ? value! : throw new InvalidOperationException($"the outcome was rejected: {Rejection.Detail}");

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Rejection rejection) => new(default, rejection ?? throw new ArgumentNullException(nameof(rejection)));
}
