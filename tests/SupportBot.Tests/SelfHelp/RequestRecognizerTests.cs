using SupportBot.Skills.SelfHelp;

namespace SupportBot.Tests.SelfHelp;

/// <summary>
/// Which messages are plain requests for an action (and about whom), and which are questions the knowledge base
/// should answer instead.
/// </summary>
public sealed class RequestRecognizerTests
{
    // "Install software" names no app: the software-install article answers it better than an action could.
    public static TheoryData<string> ButtonPhrases() =>
        [.. SelfHelpActions.All.Where(a => a != SelfHelpActions.SoftwareInstall).Select(a => a.Id)];

    [Theory]
    [MemberData(nameof(ButtonPhrases))]
    public void WhatAnActionButtonSends_IsRecognisedAsThatAction(string actionId)
    {
        var action = SelfHelpActions.Find(actionId)!;

        var request = RequestRecognizer.Recognise(action.Phrase);

        Assert.NotNull(request);
        Assert.Equal(action.Id, request.Action.Id);
        Assert.Null(request.OtherPerson);
        Assert.False(request.Bulk);
    }

    [Theory]
    [InlineData("install visio", "software.install", "visio")]
    [InlineData("Install Zoom please", "software.install", "Zoom")]
    [InlineData("can I get Notepad++ installed?", "software.install", "Notepad++")]
    [InlineData("install chrome on my laptop", "software.install", "chrome")]
    [InlineData("install visio for Windows", "software.install", "visio")]
    [InlineData("install 7-Zip, thanks!", "software.install", "7-Zip")]
    [InlineData("sign me out of all my devices", "sessions.revoke", null)]
    [InlineData("Sign me out everywhere", "sessions.revoke", null)]
    [InlineData("is outlook down?", "service.health", "outlook")]
    [InlineData("teams is down, my calls keep dropping", "service.health", "teams")]
    [InlineData("any known outages today?", "service.health", null)]
    [InlineData("restart my laptop", "device.restart", "laptop")]
    [InlineData("reboot DESKTOP-ADELE01", "device.restart", "DESKTOP-ADELE01")]
    [InlineData("please restart my surface now", "device.restart", "surface")]
    [InlineData("sync my phone please", "device.sync", "phone")]
    [InlineData("synchronise my laptop", "device.sync", "laptop")]
    [InlineData("what licences do I have", "license.check", null)]
    [InlineData("do I have a Visio licence?", "license.check", null)]
    [InlineData("when does my password expire", "account.status", null)]
    [InlineData("is my account locked?", "account.status", null)]
    [InlineData("I forgot my password", "password.reset-help", null)]
    [InlineData("my password expired", "password.reset-help", null)]
    [InlineData("which mfa methods do I have?", "mfa.methods", null)]
    [InlineData("add a new phone to my MFA", "mfa.methods", RequestRecognizer.MfaChangeArgument)]
    [InlineData("I need a TAP", "mfa.methods", RequestRecognizer.MfaChangeArgument)]
    [InlineData("list my devices", "devices.list", null)]
    public void PlainRequests_MapToTheActionAndWhatItIsAbout(string text, string actionId, string? argument)
    {
        var request = RequestRecognizer.Recognise(text);

        Assert.NotNull(request);
        Assert.Equal(actionId, request.Action.Id);
        Assert.Equal(argument, request.Argument);
        Assert.Null(request.OtherPerson);
        Assert.False(request.Bulk);
    }

    [Theory]
    [InlineData("how do I restart my laptop?")]
    [InlineData("How do I sync my phone with Intune?")]
    [InlineData("my screen is frozen")]
    [InlineData("how do I get email on my phone")]
    [InlineData("my laptop is slow")]
    [InlineData("tap your badge on the printer")]
    [InlineData("Tap your badge on the printer to release the job")]
    [InlineData("How do I connect to the VPN?")]
    [InlineData("what is MFA?")]
    [InlineData("")]
    [InlineData("   ")]
    public void QuestionsTheKnowledgeBaseAnswers_AreNotActions(string text)
    {
        Assert.Null(RequestRecognizer.Recognise(text));
    }

    [Fact]
    public void AVeryLongMessage_IsNotTreatedAsAnAction()
    {
        var text = "restart my laptop " + new string('x', 300);

        Assert.Null(RequestRecognizer.Recognise(text));
    }

    [Theory]
    [InlineData("What's my account status?")]
    [InlineData("what's my account status")]
    [InlineData("what's my licence")]
    public void AContractionBeforeMy_IsNotSomeoneElse(string text)
    {
        var request = RequestRecognizer.Recognise(text);

        Assert.NotNull(request);
        Assert.Null(request.OtherPerson);
    }

    [Theory]
    [InlineData("restart Anna's laptop", "device.restart", "Anna")]
    [InlineData("restart Anna’s laptop", "device.restart", "Anna")]
    [InlineData("reset the password for ceo@contoso.com", "password.reset-help", "ceo@contoso.com")]
    [InlineData("sync his laptop", "device.sync", "his")]
    [InlineData("please sync her phone", "device.sync", "her")]
    [InlineData("install visio for Megan", "software.install", "Megan")]
    [InlineData("install zoom for my colleague", "software.install", "my colleague")]
    [InlineData("sign out Bob's sessions everywhere", "sessions.revoke", "Bob")]
    public void RequestsNamingSomeoneElse_SayWho(string text, string actionId, string otherPerson)
    {
        var request = RequestRecognizer.Recognise(text);

        Assert.NotNull(request);
        Assert.Equal(actionId, request.Action.Id);
        Assert.Equal(otherPerson, request.OtherPerson);
    }

    [Theory]
    [InlineData("install visio for Windows")]
    [InlineData("install zoom for Mac")]
    [InlineData("restart my laptop for me")]
    [InlineData("sync my phone for work")]
    [InlineData("restart my laptop")]
    [InlineData("reboot DESKTOP-ADELE01")]
    public void RequestsAboutTheCallersOwnThings_NameNobodyElse(string text)
    {
        var request = RequestRecognizer.Recognise(text);

        Assert.NotNull(request);
        Assert.Null(request.OtherPerson);
    }

    [Fact]
    public void InstallForSomeoneElse_KeepsTheAppNameClean()
    {
        var request = RequestRecognizer.Recognise("install visio for Megan");

        Assert.NotNull(request);
        Assert.Equal("visio", request.Argument);
    }

    [Theory]
    [InlineData("restart all devices", "device.restart")]
    [InlineData("sync every laptop", "device.sync")]
    [InlineData("sign everyone out", "sessions.revoke")]
    [InlineData("sign out everyone", "sessions.revoke")]
    [InlineData("reset everyone's password", "password.reset-help")]
    public void RequestsForManyAtOnce_AreMarkedBulk(string text, string actionId)
    {
        var request = RequestRecognizer.Recognise(text);

        Assert.NotNull(request);
        Assert.Equal(actionId, request.Action.Id);
        Assert.True(request.Bulk);
    }

    [Theory]
    [InlineData("install visio, my password is Hunter2!")]
    [InlineData("restart my laptop, my password is Hunter2!")]
    public void WhatFollowsTheRequestAfterAComma_IsNotPartOfItsArgument(string text)
    {
        var request = RequestRecognizer.Recognise(text);

        Assert.NotNull(request);
        Assert.DoesNotContain("Hunter2", request.Argument, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my email is AdeleV@contoso.com, can you help", "AdeleV@contoso.com")]
    [InlineData("no address here", null)]
    public void EmailIn_FindsTheFirstAddress(string text, string? email)
    {
        Assert.Equal(email, RequestRecognizer.EmailIn(text));
    }
}
