// Production environment: Standard Redis (primary + replica), S1 bot, self-help actions on the organisation's
// tenant through Microsoft Graph with the managed identity (grant its Graph permissions first: README).
//
//   export SUPPORTBOT_TICKET_SYSTEM_SECRET='<Jira API token>'         # required; never commit it
//   export SUPPORTBOT_IMAGE_TAG=<tag pushed by az acr build>          # required: production never runs "latest"
//   az deployment group create -g rg-supportbot-prod -p infra/main.prod.bicepparam
using './main.bicep'

var registry = 'contososupportbot'

param environmentName = 'prod'
param containerRegistryName = registry
param containerImage = '${registry}.azurecr.io/supportbot:${readEnvironmentVariable('SUPPORTBOT_IMAGE_TAG')}'
param containerSize = 'medium'
param minReplicas = 2
param maxReplicas = 10
param tags = {
  costCenter: 'IT-ServiceDesk'
}

param botDisplayName = 'IT Help Desk'
param botSku = 'S1'
// Secrets stored in Key Vault by hand (docs/deploy.md, step 6). Add each one here once it exists, then deploy again:
// 'DirectLine--Secret' (web chat), 'Slack--BotToken' (maps Slack users), 'WebChat--Intranet--SigningKey'.
param storedSecrets = []
param slackClientId = readEnvironmentVariable('SUPPORTBOT_SLACK_CLIENT_ID', '')
param slackClientSecret = readEnvironmentVariable('SUPPORTBOT_SLACK_CLIENT_SECRET', '')
param slackSigningSecret = readEnvironmentVariable('SUPPORTBOT_SLACK_SIGNING_SECRET', '')
param slackVerificationToken = readEnvironmentVariable('SUPPORTBOT_SLACK_VERIFICATION_TOKEN', '')

param redisSku = 'Standard'
param redisCapacity = 1
param chatModel = {
  name: 'chat'
  model: 'gpt-4o-mini'
  version: '2024-07-18'
  sku: 'DataZoneStandard'
  capacity: 50
}
param embeddingModel = {
  name: 'embeddings'
  model: 'text-embedding-3-small'
  version: '1'
  sku: 'GlobalStandard'
  capacity: 50
}
param logRetentionInDays = 365
param keyVaultAdminPrincipalId = readEnvironmentVariable('SUPPORTBOT_KEYVAULT_ADMIN_ID', '')
param keyVaultAdminPrincipalType = 'Group'

param tickets = {
  System: 'Jira'
  BaseUrl: 'https://contoso.atlassian.net'
  Email: 'supportbot@contoso.com'
  ServiceDeskId: '1'
  RequestTypeId: '10'
  IdempotencyField: 'customfield_10050'
}
param ticketSystemSecret = readEnvironmentVariable('SUPPORTBOT_TICKET_SYSTEM_SECRET')
param vipUsers = [
  'ceo@contoso.com'
]
param selfHelpMode = 'Graph'
param disabledSelfHelpActions = [
  'device.restart'
]
